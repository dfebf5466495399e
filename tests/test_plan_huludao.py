"""The 葫芦岛市妇女发展规划（2021—2030年）, checked target by target against the document.

Each row of NUMERIC_TARGETS was read off the source document (shared seed
004_1142db6a623c33a6.txt): target id, a piece of the clause it quotes, the catalogue
indicator, the kind, the year, the value (None for kinds without one) and the indicator's unit.
"""

from __future__ import annotations

import pytest

import wdmonitor
from plan_checks import PlanDocumentCase
from wdmonitor.vocabulary import Area, TargetKind

PLAN_ID = "huludao-2021-2030"

NUMERIC_TARGETS = [
    ('health-1', '妇女人均预期寿命延长', 'life_expectancy_female', 'increase', 2030, None, 'year_of_age'),
    ('health-2a', '孕产妇死亡率到 2025 年控制在 10.5/10 万以下，', 'maternal_mortality_ratio', 'at_most', 2025, 10.5, 'per_100k'),
    ('health-2a', '孕产妇死亡率到 2025 年控制在 10.5/10 万以下，', 'maternal_mortality_ratio', 'at_most', 2030, 10, 'per_100k'),
    ('health-2b', '孕产妇系统管理率保持在 90%以上', 'maternal_systematic_management_rate', 'maintain_at_least', 2030, 90, 'percent'),
    ('health-2c', '城乡、区域、群体差距逐步缩小', 'maternal_mortality_ratio', 'gap_narrowing', 2030, None, 'per_100k'),
    ('health-2d', '城乡、区域、群体差距逐步缩小', 'maternal_mortality_ratio', 'gap_narrowing', 2030, None, 'per_100k'),
    ('health-3a', '防治知识知晓率达到 90%以上', 'cancer_prevention_knowledge_rate_female', 'at_least', 2030, 90, 'percent'),
    ('health-3b', '适龄妇女宫颈癌人群筛查率达到 70%以上', 'cervical_cancer_screening_rate', 'at_least', 2030, 70, 'percent'),
    ('health-3c', '乳腺癌人群筛查率逐步提高', 'breast_cancer_screening_rate', 'increase', 2030, None, 'percent'),
    ('health-3d', '宫颈癌患者早诊率达到 90%以上', 'cervical_cancer_early_diagnosis_rate', 'at_least', 2030, 90, 'percent'),
    ('health-5a', '孕产妇艾滋病、梅毒和乙肝检测率达到 98%以上', 'prenatal_hiv_syphilis_hbv_testing_rate', 'at_least', 2030, 98, 'percent'),
    ('health-5b', '艾滋病、梅毒孕产妇感染者治疗率达到 95%以上', 'prenatal_hiv_syphilis_treatment_rate', 'at_least', 2030, 95, 'percent'),
    ('health-5c', '艾滋病母婴传播率下降到 2%以下', 'hiv_mother_to_child_transmission_rate', 'at_most', 2030, 2, 'percent'),
    ('health-6a', '妇女肥胖增长率持续减缓', 'obesity_prevalence_female', 'slower_increase', 2030, None, 'percent'),
    ('health-6b', '到 2025 年和 2030 年，妇女营养健康知识知晓率分别', 'nutrition_knowledge_rate_female', 'relative_to_baseline', 2025, 10, 'percent'),
    ('health-6b', '到 2025 年和 2030 年，妇女营养健康知识知晓率分别', 'nutrition_knowledge_rate_female', 'relative_to_baseline', 2030, 10, 'percent'),
    ('health-7', '孕妇贫血率控制在 10%以下', 'anaemia_prevalence_pregnant', 'at_most', 2030, 10, 'percent'),
    ('health-8', '到 2030 年，妇女健康素养水平达到 30%以上', 'health_literacy_female', 'at_least', 2030, 30, 'percent'),
    ('health-9', '到 2030 年，妇女心理健康素养水平提升至 30%', 'mental_health_literacy_female', 'at_least', 2030, 30, 'percent'),
    ('health-10a', '妇女经常参加体育锻炼的人数比例达到 48% 以上', 'regular_exercise_share_female', 'at_least', 2030, 48, 'percent'),
    ('health-10b', '到 2030 年，妇女达到《国民体质测定标准》合格以上人数比', 'physical_fitness_standard_share_female', 'at_least', 2030, 92.17, 'percent'),
    ('health-s2', '市、县(市)区各建立 1 所政府举办、单独设置、标准化的妇幼', 'maternal_child_health_institutions', 'count', 2030, 1, 'institution'),
    ('health-s4', '实现市、县二级救治中心全覆盖', 'critical_maternal_newborn_care_centre_coverage', 'coverage', 2030, 100, 'percent'),
    ('education-4', '在园男童女童比例保持均衡', 'kindergarten_enrolment', 'parity', 2030, None, 'person'),
    ('education-5', '九年义务教育巩固率保持在 97%以上', 'compulsory_education_retention_rate', 'maintain_at_least', 2030, 97, 'percent'),
    ('education-6', '高中阶段教育毛入学率保持在 95%左右', 'upper_secondary_gross_enrolment_rate', 'around', 2030, 95, 'percent'),
    ('education-7', '女性接受职业教育的水平逐步提高', 'female_share_vocational_students', 'increase', 2030, None, 'percent'),
    ('education-8b', '男女两性的科学素质水平差距不断缩小', 'science_literacy_rate', 'gap_narrowing', 2030, None, 'percent'),
    ('education-10', '女性平均受教育年限不断提高', 'mean_years_schooling_female', 'increase', 2030, None, 'year'),
    ('economy-2b', '就业人员中的女性比例保持在45%左右', 'female_share_employed', 'around', 2030, 45, 'percent'),
    ('economy-3', '城镇单位就业人员中的女性比例达到40%左右', 'female_share_urban_unit_employed', 'around', 2030, 40, 'percent'),
    ('economy-4', '高级专业技术人员中的女性比例达到40%以上', 'female_share_senior_professionals', 'at_least', 2030, 40, 'percent'),
    ('economy-5', '男女收入差距明显缩小', 'income_gap_male_female', 'gap_narrowing', 2030, None, 'yuan'),
    ('economy-6', '女职工职业病发病率明显降低', 'occupational_disease_incidence_female_workers', 'decrease', 2030, None, 'per_10k'),
    ('decision_making-2b', '中国共产党全市各级党员代表大会中女党员代表比例一般不低于本地', 'female_share_party_congress_delegates', 'relative_to', 2030, None, 'percent'),
    ('decision_making-3a', '全市各级人大代表和常委会委员中的女性比例逐步提高', 'female_share_peoples_congress_deputies', 'increase', 2030, None, 'percent'),
    ('decision_making-3b', '全市各级人大代表和常委会委员中的女性比例逐步提高', 'female_share_peoples_congress_standing_committee', 'increase', 2030, None, 'percent'),
    ('decision_making-3c', '各级政协委员和常委中的女性比例逐步提高', 'female_share_cppcc_members', 'increase', 2030, None, 'percent'),
    ('decision_making-3d', '各级政协委员和常委中的女性比例逐步提高', 'female_share_cppcc_standing_committee', 'increase', 2030, None, 'percent'),
    ('decision_making-4a', '市、县(市)区地方党委、政府领导班子，应至少各配备 1 名女', 'women_in_party_committee_leadership', 'count', 2030, 1, 'person'),
    ('decision_making-4b', '市、县(市)区地方党委、政府领导班子，应至少各配备 1 名女', 'women_in_government_leadership', 'count', 2030, 1, 'person'),
    ('decision_making-4c', '市、县(市)区地方政府领导班子中的女干部比例逐步提高', 'female_share_government_leadership', 'increase', 2030, None, 'percent'),
    ('decision_making-5a', '县(市)区党政正职中女干部要有一定数量，至少配备 1 名', 'women_in_county_chief_positions', 'count', 2030, 1, 'person'),
    ('decision_making-5b', '县(市)区地方政府中担任正职的女干部占同级正职干部的比例逐渐', 'female_share_county_government_chiefs', 'increase', 2030, None, 'percent'),
    ('decision_making-6', '市、县(市)区党政工作部门，应保证 1/2 以上的领导班子配', 'departments_leadership_with_women_share', 'at_least', 2030, 50, 'percent'),
    ('decision_making-7', '各级各类事业单位领导班子成员中的女性比例逐步提高', 'female_share_public_institution_leadership', 'increase', 2030, None, 'percent'),
    ('decision_making-8a', '企业董事会、监事会成员及管理层中的女性比例逐步提高', 'female_share_enterprise_boards', 'increase', 2030, None, 'percent'),
    ('decision_making-8b', '企事业单位职工代表大会中女性比例与女职工比例相适应', 'female_share_workers_congress_deputies', 'relative_to', 2030, None, 'percent'),
    ('decision_making-9a', '村党组织成员、村党组织书记中女性比例逐步提高', 'female_share_village_party_members', 'increase', 2030, None, 'percent'),
    ('decision_making-9b', '村党组织成员、村党组织书记中女性比例逐步提高', 'female_share_village_party_secretaries', 'increase', 2030, None, 'percent'),
    ('decision_making-9c', '村委会成员中女性比例保持在 30%以上', 'female_share_village_committee_members', 'maintain_at_least', 2030, 30, 'percent'),
    ('decision_making-9d', '村委会主任中女性比例逐步提高', 'female_share_village_committee_directors', 'increase', 2030, None, 'percent'),
    ('decision_making-10a', '社区党组织成员、社区党组织书记中女性比例逐步提高', 'female_share_community_party_members', 'increase', 2030, None, 'percent'),
    ('decision_making-10b', '社区党组织成员、社区党组织书记中女性比例逐步提高', 'female_share_community_party_secretaries', 'increase', 2030, None, 'percent'),
    ('decision_making-10c', '社区居委会成员中女性比例保持在 50%左右', 'female_share_residents_committee_members', 'around', 2030, 50, 'percent'),
    ('decision_making-10d', '社区居委会主任中女性比例达到 40%以上', 'female_share_residents_committee_directors', 'at_least', 2030, 40, 'percent'),
    ('decision_making-11', '社会组织女性负责人比例逐步提高', 'female_share_social_organisation_leaders', 'increase', 2030, None, 'percent'),
    ('social_security-2', '生育保险参保率提高', 'maternity_insurance_coverage', 'increase', 2030, None, 'percent'),
    ('social_security-3', '妇女基本医疗保险参保率稳定在 95%以上', 'basic_medical_insurance_coverage_female', 'maintain_at_least', 2030, 95, 'percent'),
    ('social_security-4', '妇女基本养老保险参保率提高到 95%以上', 'basic_pension_insurance_coverage_female', 'at_least', 2030, 95, 'percent'),
    ('social_security-5a', '妇女失业保险和工伤保险的参保人数逐步增长', 'unemployment_insurance_insured_female', 'increase', 2030, None, 'person'),
    ('social_security-5b', '妇女失业保险和工伤保险的参保人数逐步增长', 'work_injury_insurance_insured_female', 'increase', 2030, None, 'person'),
    ('social_security-8a', '新建城区、新建居住(小)区按标准配建养老服务设施达标率 10', 'elderly_care_facility_compliance_rate', 'coverage', 2030, 100, 'percent'),
    ('social_security-8b', '以城乡社区为单位的养老服务覆盖率提高', 'community_elderly_care_coverage', 'increase', 2030, None, 'percent'),
    ('family-7', '两性参与家务劳动时间差距缩小', 'housework_time_gap', 'gap_narrowing', 2030, None, 'hour'),
    ('family-s3', '城乡社区综合服务设施实现全覆盖', 'community_service_facility_coverage', 'coverage', 2030, 100, 'percent'),
    ('environment-2', '男女平等基本国策培训进党校实现县级以上全覆盖', 'party_school_gender_equality_training_coverage', 'coverage', 2030, 100, 'percent'),
    ('environment-6a', '农村自来水普及率到2025年达到88%，到2030年达到90', 'rural_tap_water_coverage', 'at_least', 2025, 88, 'percent'),
    ('environment-6a', '农村自来水普及率到2025年达到88%，到2030年达到90', 'rural_tap_water_coverage', 'at_least', 2030, 90, 'percent'),
    ('environment-6b', '城市集中式饮用水水源水质达到或优于III类标准的比例提高', 'drinking_water_source_quality_share', 'increase', 2030, None, 'percent'),
    ('environment-7a', '农村卫生厕所基本普及', 'rural_sanitary_toilet_coverage', 'increase', 2030, None, 'percent'),
    ('environment-s8', '推进城镇污水管网全覆盖', 'urban_sewer_network_coverage', 'coverage', 2030, 100, 'percent'),
]

# Main goals per area, counted in the document: the numbered items under each area's
# 主要目标 heading (health 1–11, education 1–10, economy 1–8, decision-making 1–11,
# social security 1–9, family 1–11, environment 1–9, law 1–9).
GOALS_PER_AREA = {
    Area.HEALTH: 11,
    Area.EDUCATION: 10,
    Area.ECONOMY: 8,
    Area.DECISION_MAKING: 11,
    Area.SOCIAL_SECURITY: 9,
    Area.FAMILY: 11,
    Area.ENVIRONMENT: 9,
    Area.LAW: 9,
}


class TestDocument(PlanDocumentCase):
    """huludao: the header, the goals and every numeric target, against the document."""

    PLAN_ID = PLAN_ID
    TITLE_ZH = "葫芦岛市妇女发展规划（2021—2030年）"
    PERIOD = (2021, 2030, 2020)
    EVALUATION_YEARS = (2025, 2030)
    CODE = "211400"
    DRAFT = False
    NUMERIC_TARGETS = NUMERIC_TARGETS
    GOALS_PER_AREA = GOALS_PER_AREA

    def test_regions(self, plan):
        assert [r.code for r in plan.regions] == ["211402", "211403", "211404", "211421", "211422", "211481"]


@pytest.fixture(scope="module")
def plan():
    return wdmonitor.load_plan(PLAN_ID)


def test_stated_2020_baseline_of_maternal_mortality(plan):
    baseline = plan.baseline_for("maternal_mortality_ratio")
    assert (baseline.year, baseline.value) == (2020, 7.35)
    assert "7.35/10万" in baseline.text_zh


def test_two_year_targets_and_relative_to_baseline(plan):
    targets = {t.id: t for t in plan.targets}
    assert dict(targets["health-2a"].values) == {2025: 10.5, 2030: 10.0}
    assert dict(targets["environment-6a"].values) == {2025: 88.0, 2030: 90.0}
    nutrition = targets["health-6b"]
    assert nutrition.kind is TargetKind.RELATIVE_TO_BASELINE
    assert nutrition.delta_mode == "relative"
    assert dict(nutrition.baseline_years) == {2025: 2019, 2030: 2022}
    assert nutrition.reading


def test_qualitative_goals_are_kept(plan):
    law = [g for g in plan.goals if g.area is Area.LAW]
    assert len(law) == 9 and all(g.is_qualitative for g in law)
    assert sum(t.kind is TargetKind.QUALITATIVE for t in plan.targets) == 45

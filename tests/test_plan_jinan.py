"""The 晋安区妇女发展纲要（2021—2030年）, checked target by target against the document.

Each row of NUMERIC_TARGETS was read off the source document (shared seed 002_4b8708bb5b17430c.txt):
target id, a piece of the clause it quotes, the catalogue indicator, the kind, the year,
the value (None for kinds without one) and the indicator's unit.
"""

from __future__ import annotations

import pytest

import wdmonitor
from plan_checks import PlanDocumentCase
from wdmonitor.vocabulary import Area

PLAN_ID = "jinan-2021-2030"

NUMERIC_TARGETS = [
    ('health-1a', '妇女人均预期寿命延长', 'life_expectancy_female', 'increase', 2030, None, 'year_of_age'),
    ('health-1b', '人均健康预期寿命提高', 'healthy_life_expectancy_female', 'increase', 2030, None, 'year_of_age'),
    ('health-2a', '孕产妇死亡率控制在 10／10 万左右', 'maternal_mortality_ratio', 'around', 2030, 10, 'per_100k'),
    ('health-2b', '城乡、区域差距缩小', 'maternal_mortality_ratio', 'gap_narrowing', 2030, None, 'per_100k'),
    ('health-2c', '城乡、区域差距缩小', 'maternal_mortality_ratio', 'gap_narrowing', 2030, None, 'per_100k'),
    ('health-3b', '全面推进13-14 周岁半女性人乳头瘤病毒疫苗接种工作', 'hpv_vaccination_rate_girls', 'increase', 2030, None, 'percent'),
    ('health-3c', '适龄妇女宫颈癌人群筛查率达到 70%以上', 'cervical_cancer_screening_rate', 'at_least', 2030, 70, 'percent'),
    ('health-3d', '乳腺癌人群筛查率逐步提高', 'breast_cancer_screening_rate', 'increase', 2030, None, 'percent'),
    ('health-3e', '农村适龄妇女宫颈癌和乳腺癌筛查覆盖率达到 90%以上', 'rural_cancer_screening_coverage', 'at_least', 2030, 90, 'percent'),
    ('health-5b', '艾滋病母婴传播率下降到 2%以下', 'hiv_mother_to_child_transmission_rate', 'at_most', 2030, 2, 'percent'),
    ('health-6a', '妇女心理健康素养水平不断提升', 'mental_health_literacy_female', 'increase', 2030, None, 'percent'),
    ('health-6b', '妇女焦虑障碍、抑郁症患病率上升趋势减缓', 'anxiety_depression_prevalence_female', 'slower_increase', 2030, None, 'percent'),
    ('health-6c', '村（社区）妇女心理咨询室或社会工作室建成率达 80%以上', 'women_counselling_room_rate', 'at_least', 2030, 80, 'percent'),
    ('health-7', '提高妇女健康素养水平', 'health_literacy_female', 'increase', 2030, None, 'percent'),
    ('health-8', '孕产妇贫血患病率保持在 9%以下', 'anaemia_prevalence_pregnant', 'maintain_at_most', 2030, 9, 'percent'),
    ('health-9a', '妇女经常参加体育锻炼的人数比例达到 55%', 'regular_exercise_share_female', 'at_least', 2030, 55, 'percent'),
    ('health-9b', '妇女体质测定标准合格比例达到 93%以上', 'physical_fitness_standard_share_female', 'at_least', 2030, 93, 'percent'),
    ('health-s4', '孕产妇系统管理率保持在90%以上', 'maternal_systematic_management_rate', 'maintain_at_least', 2030, 90, 'percent'),
    ('health-s5a', '宫颈癌和乳腺癌防治知识知晓率达到 90%以上', 'cancer_prevention_knowledge_rate_female', 'at_least', 2030, 90, 'percent'),
    ('health-s5b', '促进70%的妇女在 35-45 岁接受高效宫颈癌筛查', 'high_performance_cervical_screening_35_45', 'at_least', 2030, 70, 'percent'),
    ('health-s5c', '宫颈癌患者治疗率达到 90%以上', 'cervical_cancer_treatment_rate', 'at_least', 2030, 90, 'percent'),
    ('health-s7a', '妇女艾滋病防治知识知晓率达 90%以上', 'hiv_prevention_knowledge_rate_female', 'at_least', 2030, 90, 'percent'),
    ('health-s7b', '孕产妇艾滋病、梅毒和乙肝检测率达到 98%以上', 'prenatal_hiv_syphilis_hbv_testing_rate', 'at_least', 2030, 98, 'percent'),
    ('health-s7c', '艾滋病和梅毒感染孕产妇及所生儿童治疗率达到 95%以上', 'prenatal_hiv_syphilis_treatment_rate', 'at_least', 2030, 95, 'percent'),
    ('health-s11', '“五个全覆盖”', 'public_sports_facility_coverage', 'coverage', 2030, 100, 'percent'),
    ('education-3', '学前三年毛入园率保持在 99%以上', 'preschool_gross_enrolment_rate', 'maintain_at_least', 2030, 99, 'percent'),
    ('education-4', '九年义务教育巩固率稳定在 99%以上', 'compulsory_education_retention_rate', 'maintain_at_least', 2030, 99, 'percent'),
    ('education-5', '高中阶段教育毛入学率保持在 97%以上', 'upper_secondary_gross_enrolment_rate', 'maintain_at_least', 2030, 97, 'percent'),
    ('education-6a', '科技人才中女性比例不断提升', 'female_share_sci_tech_personnel', 'increase', 2030, None, 'percent'),
    ('education-6b', '男女两性科学素质水平差距不断缩小', 'science_literacy_rate', 'gap_narrowing', 2030, None, 'percent'),
    ('education-8b', '劳动年龄女性平均受教育年限不断提高', 'mean_years_schooling_female', 'increase', 2030, None, 'year'),
    ('education-9', '经常性参与教育活动的老年妇女比例不断提升', 'elderly_women_education_participation_share', 'increase', 2030, None, 'percent'),
    ('economy-5', '高级专业技术人员中女性比例达到50%左右', 'female_share_senior_professionals', 'around', 2030, 50, 'percent'),
    ('economy-6', '男女收入差距明显缩小', 'income_gap_male_female', 'gap_narrowing', 2030, None, 'yuan'),
    ('economy-7', '女职工职业病发病率明显降低', 'occupational_disease_incidence_female_workers', 'decrease', 2030, None, 'per_10k'),
    ('decision_making-2b', '中国共产党各级党员代表大会中女党员代表比例一般不低于本地区党', 'female_share_party_congress_delegates', 'relative_to', 2030, None, 'percent'),
    ('decision_making-3a', '区人大代表和常委会委员中的女性比例逐步提高', 'female_share_peoples_congress_deputies', 'increase', 2030, None, 'percent'),
    ('decision_making-3b', '区人大代表和常委会委员中的女性比例逐步提高', 'female_share_peoples_congress_standing_committee', 'increase', 2030, None, 'percent'),
    ('decision_making-3c', '区政协委员和常委中的女性比例逐步提高', 'female_share_cppcc_members', 'increase', 2030, None, 'percent'),
    ('decision_making-3d', '区政协委员和常委中的女性比例逐步提高', 'female_share_cppcc_standing_committee', 'increase', 2030, None, 'percent'),
    ('decision_making-4a', '区政府和部门领导班子中的女干部比例逐步提高', 'female_share_government_leadership', 'increase', 2030, None, 'percent'),
    ('decision_making-4b', '区政府和部门领导班子中的女干部比例逐步提高', 'female_share_government_departments_leadership', 'increase', 2030, None, 'percent'),
    ('decision_making-4c', '担任正职的女干部占同级正职干部的比例逐步提高', 'female_share_county_government_chiefs', 'increase', 2030, None, 'percent'),
    ('decision_making-5', '各类事业单位领导班子成员中的女性比例逐步提高', 'female_share_public_institution_leadership', 'increase', 2030, None, 'percent'),
    ('decision_making-6a', '管理层中的女性比例有所提升', 'female_share_enterprise_boards', 'increase', 2030, None, 'percent'),
    ('decision_making-6b', '企事业单位职工代表大会中女性比例与女职工比例相适应', 'female_share_workers_congress_deputies', 'relative_to', 2030, None, 'percent'),
    ('decision_making-7a', '村党组织成员、村党组织书记中女性比例逐步提高', 'female_share_village_party_members', 'increase', 2030, None, 'percent'),
    ('decision_making-7b', '村党组织成员、村党组织书记中女性比例逐步提高', 'female_share_village_party_secretaries', 'increase', 2030, None, 'percent'),
    ('decision_making-7c', '村委会成员中女性比例达到 30%以上', 'female_share_village_committee_members', 'at_least', 2030, 30, 'percent'),
    ('decision_making-7d', '村委会主任中女性比例逐步提高', 'female_share_village_committee_directors', 'increase', 2030, None, 'percent'),
    ('decision_making-8a', '社区党组织成员、社区党组织书记中女性比例逐步提高', 'female_share_community_party_members', 'increase', 2030, None, 'percent'),
    ('decision_making-8b', '社区党组织成员、社区党组织书记中女性比例逐步提高', 'female_share_community_party_secretaries', 'increase', 2030, None, 'percent'),
    ('decision_making-8c', '社区居委会成员中女性比例保持在 50%左右', 'female_share_residents_committee_members', 'around', 2030, 50, 'percent'),
    ('decision_making-8d', '社区居委会主任中女性比例达到 50%以上', 'female_share_residents_committee_directors', 'at_least', 2030, 50, 'percent'),
    ('decision_making-9', '会长（理事长）或秘书长为女性的社会组织比例逐步提高', 'female_share_social_organisation_leaders', 'increase', 2030, None, 'percent'),
    ('decision_making-s2', '推进城乡社区妇女议事会实现全覆盖并有效运行', 'community_women_council_coverage', 'coverage', 2030, 100, 'percent'),
    ('social_security-2', '提高生育保险参保率', 'maternity_insurance_coverage', 'increase', 2030, None, 'percent'),
    ('social_security-3', '妇女基本医疗保险参保率稳定在 95%以上', 'basic_medical_insurance_coverage_female', 'maintain_at_least', 2030, 95, 'percent'),
    ('social_security-4', '妇女城乡居民养老保险参保率达到 95%以上', 'basic_pension_insurance_coverage_female', 'at_least', 2030, 95, 'percent'),
    ('social_security-8a', '街道和重点乡镇居家社区养老服务中心覆盖率达 100%', 'home_community_elderly_centre_coverage', 'coverage', 2030, 100, 'percent'),
    ('social_security-8b', '建制村农村养老服务设施覆盖率 100%', 'village_elderly_facility_coverage', 'coverage', 2030, 100, 'percent'),
    ('social_security-s9a', '城乡居民社区养老服务设施覆盖率 100%', 'community_elderly_care_coverage', 'coverage', 2030, 100, 'percent'),
    ('social_security-s9b', '街道和中心乡镇居家社区养老服务照料中心覆盖率 100%', 'home_community_elderly_centre_coverage', 'coverage', 2030, 100, 'percent'),
    ('social_security-s9c', '建制村农村养老服务设施覆盖率 100%', 'village_elderly_facility_coverage', 'coverage', 2030, 100, 'percent'),
    ('social_security-s9d', '民营养老床位机构数占比达 80%', 'private_elderly_bed_institution_share', 'at_least', 2030, 80, 'percent'),
    ('social_security-s9e', '养老机构护理型床位占比达 70%以上', 'nursing_bed_share_elderly_institutions', 'at_least', 2030, 70, 'percent'),
    ('family-7', '缩小两性家务劳动时间差距', 'housework_time_gap', 'gap_narrowing', 2030, None, 'hour'),
    ('environment-6a', '农村自来水普及率稳定在 95%以上', 'rural_tap_water_coverage', 'maintain_at_least', 2030, 95, 'percent'),
    ('environment-6c', '集中式饮用水水源水质达到或优于Ⅲ类标准的比例总体为 100%', 'drinking_water_source_quality_share', 'coverage', 2030, 100, 'percent'),
    ('environment-7a', '农村厕所卫生环境全面改善', 'rural_sanitary_toilet_coverage', 'increase', 2030, None, 'percent'),
    ('environment-s8', '推动基本公共服务常住人口全覆盖', 'basic_public_service_resident_coverage', 'coverage', 2030, 100, 'percent'),
]

# Main goals per area, counted in the document: the numbered items under each area's
# 主要目标 heading (health 1–10, education 1–9, economy 1–10, decision-making 1–10, social security 1–9, family 1–10, environment 1–9, law 1–10).
GOALS_PER_AREA = {
    Area.HEALTH: 10,
    Area.EDUCATION: 9,
    Area.ECONOMY: 10,
    Area.DECISION_MAKING: 10,
    Area.SOCIAL_SECURITY: 9,
    Area.FAMILY: 10,
    Area.ENVIRONMENT: 9,
    Area.LAW: 10,
}


class TestDocument(PlanDocumentCase):
    """jinan: the header, the goals and every numeric target, against the document."""

    PLAN_ID = PLAN_ID
    TITLE_ZH = "晋安区妇女发展纲要（2021—2030年）"
    PERIOD = (2021, 2030, 2020)
    EVALUATION_YEARS = (2025, 2030)
    CODE = "350111"
    DRAFT = False
    NUMERIC_TARGETS = NUMERIC_TARGETS
    GOALS_PER_AREA = GOALS_PER_AREA


@pytest.fixture(scope="module")
def plan():
    return wdmonitor.load_plan(PLAN_ID)


def test_line_breaks_are_joined_in_quoted_clauses(plan):
    assert all("\n" not in goal.text_zh for goal in plan.goals)
    assert {t.id: t for t in plan.targets}["health-2a"].values[2030] == 10.0


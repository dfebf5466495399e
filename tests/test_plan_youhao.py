"""The 友好区妇女发展规划（2021-2025年）, checked target by target against the document.

Each row of NUMERIC_TARGETS was read off the source document (shared seed 000_a7a9e45c1be8a212.txt):
target id, a piece of the clause it quotes, the catalogue indicator, the kind, the year,
the value (None for kinds without one) and the indicator's unit.
"""

from __future__ import annotations

import pytest

import wdmonitor
from plan_checks import PlanDocumentCase
from wdmonitor.vocabulary import Area

PLAN_ID = "youhao-2021-2025"

NUMERIC_TARGETS = [
    ('health-1.1', '区、设置1所政府举办、标准化的妇幼保健机构', 'maternal_child_health_institutions', 'count', 2025, 1, 'institution'),
    ('health-1.2', '区、镇依托现有医疗机构建设危重孕产妇救治中心', 'critical_maternal_newborn_care_centre_coverage', 'coverage', 2025, 100, 'percent'),
    ('health-2.1a', '妇女人均预期寿命延长', 'life_expectancy_female', 'increase', 2025, None, 'year_of_age'),
    ('health-2.1b', '人均健康预期寿命提高', 'healthy_life_expectancy_female', 'increase', 2025, None, 'year_of_age'),
    ('health-2.2', '妇女经常参加体育锻炼的人数比例提高', 'regular_exercise_share_female', 'increase', 2025, None, 'percent'),
    ('health-2.3', '妇女体质测定标准合格的比例提高', 'physical_fitness_standard_share_female', 'increase', 2025, None, 'percent'),
    ('health-3.1', '妇女营养健康知识知晓率提高', 'nutrition_knowledge_rate_female', 'increase', 2025, None, 'percent'),
    ('health-3.2', '孕产妇贫血患病率下降', 'anaemia_prevalence_pregnant', 'decrease', 2025, None, 'percent'),
    ('health-3.3a', '老年妇女低体重和贫血患病率下降', 'elderly_women_underweight_prevalence', 'decrease', 2025, None, 'percent'),
    ('health-3.3b', '老年妇女低体重和贫血患病率下降', 'elderly_women_anaemia_prevalence', 'decrease', 2025, None, 'percent'),
    ('health-4.1', '孕产妇系统管理率达到90%以上', 'maternal_systematic_management_rate', 'at_least', 2025, 90, 'percent'),
    ('health-4.2', '孕产妇死亡率下降到15/10万以下', 'maternal_mortality_ratio', 'at_most', 2025, 15, 'per_100k'),
    ('health-5.1b', '艾滋病母婴传播率下降到3%以下', 'hiv_mother_to_child_transmission_rate', 'at_most', 2025, 3, 'percent'),
    ('health-5.2', '孕产妇艾滋病、梅毒和乙肝检测率达到98%以上', 'prenatal_hiv_syphilis_hbv_testing_rate', 'at_least', 2025, 98, 'percent'),
    ('health-5.3', '艾滋病和梅毒孕产妇感染者治疗率达到95%以上', 'prenatal_hiv_syphilis_treatment_rate', 'at_least', 2025, 95, 'percent'),
    ('health-6.4', '非医学需要的人工流产率降低', 'non_medical_induced_abortion_rate', 'decrease', 2025, None, 'per_mille'),
    ('health-7.1', '妇女宫颈癌和乳腺癌防治知识知晓率达到90%以上', 'cancer_prevention_knowledge_rate_female', 'at_least', 2025, 90, 'percent'),
    ('health-7.2', '适龄妇女宫颈癌人群筛查率达到60%以上', 'cervical_cancer_screening_rate', 'at_least', 2025, 60, 'percent'),
    ('health-7.3', '适龄妇女乳腺癌人群筛查率逐步提高', 'breast_cancer_screening_rate', 'increase', 2025, None, 'percent'),
    ('health-7.4', '35-45岁妇女接受高效宫颈癌筛查的比例达到65%以上', 'high_performance_cervical_screening_35_45', 'at_least', 2025, 65, 'percent'),
    ('health-7.5', '宫颈癌患者治疗率达到85%以上', 'cervical_cancer_treatment_rate', 'at_least', 2025, 85, 'percent'),
    ('health-8.2', '妇女焦虑障碍、抑郁症患病率上升趋势减缓', 'anxiety_depression_prevalence_female', 'slower_increase', 2025, None, 'percent'),
    ('health-8.3a', '妇女的健康素养水平达到25%以上', 'health_literacy_female', 'at_least', 2025, 25, 'percent'),
    ('health-8.3b', '心理健康素养水平达到25%以上', 'mental_health_literacy_female', 'at_least', 2025, 25, 'percent'),
    ('education-3.1', '在园儿童中男女比例保持均衡', 'kindergarten_enrolment', 'parity', 2025, None, 'person'),
    ('education-3.2', '学前教育毛入园率达到并保持在90%以上', 'preschool_gross_enrolment_rate', 'maintain_at_least', 2025, 90, 'percent'),
    ('education-4.1', '小学初中在校生中男女比例保持均衡', 'compulsory_school_enrolment', 'parity', 2025, None, 'person'),
    ('education-4.2', '九年义务教育巩固率保持在99%以上', 'compulsory_education_retention_rate', 'maintain_at_least', 2025, 99, 'percent'),
    ('education-5.1', '普通高中在校生中男女比例保持均衡', 'upper_secondary_enrolment', 'parity', 2025, None, 'person'),
    ('education-5.2', '高中阶段毛入学率保持在96%以上', 'upper_secondary_gross_enrolment_rate', 'maintain_at_least', 2025, 96, 'percent'),
    ('education-6.1', '高校在校生中男女比例保持均衡', 'tertiary_enrolment', 'parity', 2025, None, 'person'),
    ('education-7.2', '女性接受职业教育的水平逐步提高', 'female_share_vocational_students', 'increase', 2025, None, 'percent'),
    ('education-7.4', '女性平均受教育年限不断提高', 'mean_years_schooling_female', 'increase', 2025, None, 'year'),
    ('education-8.1', '女性科技人才比例提高', 'female_share_sci_tech_personnel', 'increase', 2025, None, 'percent'),
    ('education-8.2', '男女两性的科学素质水平差距不断缩小', 'science_literacy_rate', 'gap_narrowing', 2025, None, 'percent'),
    ('economy-1.1', '就业人员中的女性比例保持在40%左右', 'female_share_employed', 'around', 2025, 40, 'percent'),
    ('economy-1.2', '城镇单位就业人员中的女性比例达到40%左右', 'female_share_urban_unit_employed', 'around', 2025, 40, 'percent'),
    ('economy-2.1', '高级专业技术人员中的女性比例达到40%以上', 'female_share_senior_professionals', 'at_least', 2025, 40, 'percent'),
    ('economy-3.1', '男女收入差距明显缩小', 'income_gap_male_female', 'gap_narrowing', 2025, None, 'yuan'),
    ('economy-4.1', '女职工职业病发病率明显降低', 'occupational_disease_incidence_female_workers', 'decrease', 2025, None, 'per_10k'),
    ('economy-4.2', '侵犯女职工劳动权益案件的劳动人事争议仲裁结案率达到90%以上', 'labour_arbitration_closure_rate_women_workers', 'at_least', 2025, 90, 'percent'),
    ('decision_making-1.2', '中国共产党区级以上代表大会中的女党员代表比例一般不低于本地区', 'female_share_party_congress_delegates', 'relative_to', 2025, None, 'percent'),
    ('decision_making-2.1', '区级以上人大代表候选人中的女性比例保持稳定并有所提高', 'female_share_peoples_congress_candidates', 'increase', 2025, None, 'percent'),
    ('decision_making-2.2', '区级以上人大代表中的女性比例保持稳定并有所提高', 'female_share_peoples_congress_deputies', 'increase', 2025, None, 'percent'),
    ('decision_making-2.3', '区级以上人大常委会委员中的女性比例保持稳定并有所提高', 'female_share_peoples_congress_standing_committee', 'increase', 2025, None, 'percent'),
    ('decision_making-3.1', '区级以上政协委员中的女性比例保持稳定并有所提高', 'female_share_cppcc_members', 'increase', 2025, None, 'percent'),
    ('decision_making-3.2', '区级以上政协常委中的女性比例保持稳定并有所提高', 'female_share_cppcc_standing_committee', 'increase', 2025, None, 'percent'),
    ('decision_making-4.1a', '区级党委、政府领导班子中至少各配备1名女干部', 'women_in_party_committee_leadership', 'count', 2025, 1, 'person'),
    ('decision_making-4.1b', '区级党委、政府领导班子中至少各配备1名女干部', 'women_in_government_leadership', 'count', 2025, 1, 'person'),
    ('decision_making-4.1c', '担任正职的女干部占同级正职干部的比例逐步提高', 'female_share_county_government_chiefs', 'increase', 2025, None, 'percent'),
    ('decision_making-5.1a', '区级党政部门领导班子中一半以上配备女干部', 'departments_leadership_with_women_share', 'at_least', 2025, 50, 'percent'),
    ('decision_making-5.2a', '区级党政部门领导班子中女干部比例逐步提高', 'female_share_government_departments_leadership', 'increase', 2025, None, 'percent'),
    ('decision_making-6.1', '各级各类事业单位领导班子成员中的女性比例逐步提高', 'female_share_public_institution_leadership', 'increase', 2025, None, 'percent'),
    ('decision_making-6.2', '企业董事会、监事会成员及管理层中的女性比例逐步提高', 'female_share_enterprise_boards', 'increase', 2025, None, 'percent'),
    ('decision_making-6.3', '企事业单位职工代表大会中的女性比例与女职工比例相适应', 'female_share_workers_congress_deputies', 'relative_to', 2025, None, 'percent'),
    ('decision_making-7.1', '村党组织成员中的女性比例逐步提高', 'female_share_village_party_members', 'increase', 2025, None, 'percent'),
    ('decision_making-7.2', '村党组织书记中的女性比例逐步提高', 'female_share_village_party_secretaries', 'increase', 2025, None, 'percent'),
    ('decision_making-7.3', '村委会成员中的女性比例达到30%以上', 'female_share_village_committee_members', 'at_least', 2025, 30, 'percent'),
    ('decision_making-7.4', '村委会主任中的女性比例逐步提高', 'female_share_village_committee_directors', 'increase', 2025, None, 'percent'),
    ('decision_making-8.1', '社区党组织成员中的女性比例逐步提高', 'female_share_community_party_members', 'increase', 2025, None, 'percent'),
    ('decision_making-8.2', '社区党组织书记中的女性比例逐步提高', 'female_share_community_party_secretaries', 'increase', 2025, None, 'percent'),
    ('decision_making-8.3', '社区居委会成员中的女性比例保持在50%左右', 'female_share_residents_committee_members', 'around', 2025, 50, 'percent'),
    ('decision_making-8.4', '社区居委会主任中的女性比例达到40%以上', 'female_share_residents_committee_directors', 'at_least', 2025, 40, 'percent'),
    ('decision_making-9.1', '社会组织中的女性比例提高', 'female_share_social_organisation_members', 'increase', 2025, None, 'percent'),
    ('decision_making-9.2', '社会组织女性负责人比例逐步提高', 'female_share_social_organisation_leaders', 'increase', 2025, None, 'percent'),
    ('decision_making-s2', '推进城乡社区妇女议事会实现全覆盖并有效运行', 'community_women_council_coverage', 'coverage', 2025, 100, 'percent'),
    ('social_security-1.1b', '生育保险参保率提高', 'maternity_insurance_coverage', 'increase', 2025, None, 'percent'),
    ('social_security-1.4a', '妇女失业保险和工伤保险参保人数稳步增加', 'unemployment_insurance_insured_female', 'increase', 2025, None, 'person'),
    ('social_security-1.4b', '妇女失业保险和工伤保险参保人数稳步增加', 'work_injury_insurance_insured_female', 'increase', 2025, None, 'person'),
    ('family-4.2', '两性家务劳动时间差距逐步缩小', 'housework_time_gap', 'gap_narrowing', 2025, None, 'hour'),
    ('environment-4.2', '农村自来水普及率达到96%以上', 'rural_tap_water_coverage', 'at_least', 2025, 96, 'percent'),
    ('environment-4.3a', '农村集中供水率和供水保证率提高', 'rural_centralised_water_supply_rate', 'increase', 2025, None, 'percent'),
    ('environment-4.3b', '农村集中供水率和供水保证率提高', 'rural_water_supply_guarantee_rate', 'increase', 2025, None, 'percent'),
    ('environment-4.4', '城乡集中式饮用水水质不断提升', 'drinking_water_source_quality_share', 'increase', 2025, None, 'percent'),
    ('environment-5.1', '农村卫生厕所普及率稳步提高', 'rural_sanitary_toilet_coverage', 'increase', 2025, None, 'percent'),
]

# Main goals per area, counted in the document: the numbered items under each area's
# 主要目标 heading: here (the dash items under the numbered headings: health 8 headings with 26 items, education 8/18, economy 5/11, decision-making 9/23, social security 4/11, family 5/11, environment 6/16, law 6/13).
GOALS_PER_AREA = {
    Area.HEALTH: 26,
    Area.EDUCATION: 18,
    Area.ECONOMY: 11,
    Area.DECISION_MAKING: 23,
    Area.SOCIAL_SECURITY: 11,
    Area.FAMILY: 11,
    Area.ENVIRONMENT: 16,
    Area.LAW: 13,
}


class TestDocument(PlanDocumentCase):
    """youhao: the header, the goals and every numeric target, against the document."""

    PLAN_ID = PLAN_ID
    TITLE_ZH = "友好区妇女发展规划（2021-2025年）"
    PERIOD = (2021, 2025, 2020)
    EVALUATION_YEARS = (2023, 2025)
    CODE = "230719"
    DRAFT = False
    NUMERIC_TARGETS = NUMERIC_TARGETS
    GOALS_PER_AREA = GOALS_PER_AREA


@pytest.fixture(scope="module")
def plan():
    return wdmonitor.load_plan(PLAN_ID)


def test_a_five_year_plan_is_finally_evaluated_in_2025(plan):
    assert plan.evaluation_years == (2023, 2025)
    assert all(year <= 2025 for t in plan.targets for year in t.values)


def test_dash_items_are_numbered_under_their_heading(plan):
    goals = {g.id: g for g in plan.goals}
    assert goals["health-4.2"].text_zh == "孕产妇死亡率下降到15/10万以下。"
    assert goals["economy-1.1"].text_zh == "就业人员中的女性比例保持在40%左右。"


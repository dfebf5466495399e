"""The 洮北区妇女发展规划（2021-2030年）（征求意见稿）, checked target by target against the document.

Each row of NUMERIC_TARGETS was read off the source document (shared seed
001_6dd441872a0df882.txt): target id, a piece of the clause it quotes, the catalogue
indicator, the kind, the year, the value (None for kinds without one) and the indicator's unit.
"""

from __future__ import annotations

import pytest

import wdmonitor
from plan_checks import PlanDocumentCase
from wdmonitor.vocabulary import Area

PLAN_ID = "taobei-2021-2030"

NUMERIC_TARGETS = [
    ('health-1a', '妇女人均预期寿命延长', 'life_expectancy_female', 'increase', 2030, None, 'year_of_age'),
    ('health-1b', '人均健康预期寿命提高', 'healthy_life_expectancy_female', 'increase', 2030, None, 'year_of_age'),
    ('health-2a', '孕产妇死亡率控制在12/10万以下', 'maternal_mortality_ratio', 'at_most', 2030, 12, 'per_100k'),
    ('health-2b', '城乡、区域差距缩小', 'maternal_mortality_ratio', 'gap_narrowing', 2030, None, 'per_100k'),
    ('health-2c', '城乡、区域差距缩小', 'maternal_mortality_ratio', 'gap_narrowing', 2030, None, 'per_100k'),
    ('health-3b', '适龄妇女宫颈癌人群筛查率达到70%以上', 'cervical_cancer_screening_rate', 'at_least', 2030, 70, 'percent'),
    ('health-3c', '乳腺癌人群筛查率逐步提高', 'breast_cancer_screening_rate', 'increase', 2030, None, 'percent'),
    ('health-5b', '艾滋病母婴传播率下降到2%以下', 'hiv_mother_to_child_transmission_rate', 'at_most', 2030, 2, 'percent'),
    ('health-6a', '妇女心理健康素养水平不断提升', 'mental_health_literacy_female', 'increase', 2030, None, 'percent'),
    ('health-6b', '妇女焦虑障碍、抑郁症患病率上升趋势减缓', 'anxiety_depression_prevalence_female', 'slower_increase', 2030, None, 'percent'),
    ('health-8b', '预防和减少孕产妇贫血', 'anaemia_prevalence_pregnant', 'decrease', 2030, None, 'percent'),
    ('health-9a', '妇女参加体育锻炼的人数比例不断提高', 'regular_exercise_share_female', 'increase', 2030, None, 'percent'),
    ('health-9b', '妇女体质测定标准合格比例不断提高', 'physical_fitness_standard_share_female', 'increase', 2030, None, 'percent'),
    ('health-s4', '孕产妇系统管理率达到90%以上', 'maternal_systematic_management_rate', 'at_least', 2030, 90, 'percent'),
    ('health-s5a', '宫颈癌和乳腺癌防治知识知晓率达到90%以上', 'cancer_prevention_knowledge_rate_female', 'at_least', 2030, 90, 'percent'),
    ('health-s5b', '宫颈癌患者治疗率达到90%以上', 'cervical_cancer_treatment_rate', 'at_least', 2030, 90, 'percent'),
    ('health-s7a', '孕产妇艾滋病、梅毒和乙肝检测率达到98%以上', 'prenatal_hiv_syphilis_hbv_testing_rate', 'at_least', 2030, 98, 'percent'),
    ('health-s7b', '艾滋病、梅毒孕产妇感染者治疗率达到95%以上', 'prenatal_hiv_syphilis_treatment_rate', 'at_least', 2030, 95, 'percent'),
    ('education-3', '义务教育学校在校生中男女比例保持均衡', 'compulsory_school_enrolment', 'parity', 2030, None, 'person'),
    ('education-4', '高中阶段毛入学率达到95%', 'upper_secondary_gross_enrolment_rate', 'at_least', 2030, 95, 'percent'),
    ('education-5', '女性接受职业教育的水平逐步提高', 'female_share_vocational_students', 'increase', 2030, None, 'percent'),
    ('education-6a', '高等学校在校生中男女比例保持均衡', 'tertiary_enrolment', 'parity', 2030, None, 'person'),
    ('education-7b', '男女两性的科学素质水平差距不断缩小', 'science_literacy_rate', 'gap_narrowing', 2030, None, 'percent'),
    ('education-8', '女性平均受教育年限不断提高', 'mean_years_schooling_female', 'increase', 2030, None, 'year'),
    ('economy-2', '女性就业比例逐步提高', 'female_share_employed', 'increase', 2030, None, 'percent'),
    ('economy-3', '城镇单位就业人员中的女性比例达到40%左右', 'female_share_urban_unit_employed', 'around', 2030, 40, 'percent'),
    ('economy-5', '高级专业技术人员中的女性比例达到40%', 'female_share_senior_professionals', 'at_least', 2030, 40, 'percent'),
    ('decision_making-2b', '中国共产党各级党员代表大会中女党员代表比例一般不低于本地区党', 'female_share_party_congress_delegates', 'relative_to', 2030, None, 'percent'),
    ('decision_making-3a', '各级人大代表和常委中的女性比例逐步提高', 'female_share_peoples_congress_deputies', 'increase', 2030, None, 'percent'),
    ('decision_making-3b', '各级人大代表和常委中的女性比例逐步提高', 'female_share_peoples_congress_standing_committee', 'increase', 2030, None, 'percent'),
    ('decision_making-3c', '各级政协委员和常委中的女性保持适当比例并逐步提高', 'female_share_cppcc_members', 'increase', 2030, None, 'percent'),
    ('decision_making-3d', '各级政协委员和常委中的女性保持适当比例并逐步提高', 'female_share_cppcc_standing_committee', 'increase', 2030, None, 'percent'),
    ('decision_making-4', '县乡两级政府领导班子中的女干部比例逐步提高', 'female_share_government_leadership', 'increase', 2030, None, 'percent'),
    ('decision_making-5', '县乡两级政府工作部门领导班子中的女干部比例逐步提高', 'female_share_government_departments_leadership', 'increase', 2030, None, 'percent'),
    ('decision_making-6', '各级各类事业单位领导班子成员中的女性比例逐步提高', 'female_share_public_institution_leadership', 'increase', 2030, None, 'percent'),
    ('decision_making-7', '企业管理层中的女性比例保持稳定并逐步提高', 'female_share_enterprise_boards', 'increase', 2030, None, 'percent'),
    ('decision_making-8a', '村党组织成员、村党组织书记中的女性比例逐步提高', 'female_share_village_party_members', 'increase', 2030, None, 'percent'),
    ('decision_making-8b', '村党组织成员、村党组织书记中的女性比例逐步提高', 'female_share_village_party_secretaries', 'increase', 2030, None, 'percent'),
    ('decision_making-8c', '村委会成员中女性比例达到30%以上', 'female_share_village_committee_members', 'at_least', 2030, 30, 'percent'),
    ('decision_making-8d', '村委会主任中的女性比例逐步提高', 'female_share_village_committee_directors', 'increase', 2030, None, 'percent'),
    ('social_security-2', '提高生育保险参保率', 'maternity_insurance_coverage', 'increase', 2030, None, 'percent'),
    ('social_security-3', '妇女基本医疗保险参保率不低于95%', 'basic_medical_insurance_coverage_female', 'at_least', 2030, 95, 'percent'),
    ('social_security-4', '妇女基本养老保险参保率达到95%', 'basic_pension_insurance_coverage_female', 'at_least', 2030, 95, 'percent'),
    ('social_security-5a', '妇女失业保险和工伤保险参保人数进一步增加', 'unemployment_insurance_insured_female', 'increase', 2030, None, 'person'),
    ('social_security-5b', '妇女失业保险和工伤保险参保人数进一步增加', 'work_injury_insurance_insured_female', 'increase', 2030, None, 'person'),
    ('family-7', '缩小两性家务劳动时间', 'housework_time_gap', 'gap_narrowing', 2030, None, 'hour'),
    ('environment-6a', '农村自来水普及率达到95%', 'rural_tap_water_coverage', 'at_least', 2030, 95, 'percent'),
    ('environment-6b', '城市集中式饮用水水源水质不断改善', 'drinking_water_source_quality_share', 'increase', 2030, None, 'percent'),
    ('environment-7', '农村卫生厕所普及率稳步提高', 'rural_sanitary_toilet_coverage', 'increase', 2030, None, 'percent'),
]

# Main goals per area, counted in the document: the numbered items under each area's
# 主要目标 heading (health 1–9, education 1–8, economy 1–10, decision-making 1–10,
# social security 1–9, family 1–9, environment 1–8, law 1–9).
GOALS_PER_AREA = {
    Area.HEALTH: 9,
    Area.EDUCATION: 8,
    Area.ECONOMY: 10,
    Area.DECISION_MAKING: 10,
    Area.SOCIAL_SECURITY: 9,
    Area.FAMILY: 9,
    Area.ENVIRONMENT: 8,
    Area.LAW: 9,
}


class TestDocument(PlanDocumentCase):
    """taobei: the header, the goals and every numeric target, against the document."""

    PLAN_ID = PLAN_ID
    TITLE_ZH = "洮北区妇女发展规划（2021-2030年）（征求意见稿）"
    PERIOD = (2021, 2030, 2020)
    EVALUATION_YEARS = (2025, 2030)
    CODE = "220802"
    DRAFT = True
    NUMERIC_TARGETS = NUMERIC_TARGETS
    GOALS_PER_AREA = GOALS_PER_AREA


@pytest.fixture(scope="module")
def plan():
    return wdmonitor.load_plan(PLAN_ID)


def test_strategy_targets_are_goals_too(plan):
    strategy = [t.id for t in plan.targets if t.section.value == "strategy"]
    assert strategy == ["health-s4", "health-s5a", "health-s5b", "health-s7a", "health-s7b"]

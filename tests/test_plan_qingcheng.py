"""The 清远市清城区妇女发展规划（2021—2030年）征求意见稿, checked target by target against the document.

Each row of NUMERIC_TARGETS was read off the source document (shared seed 003_084e27bc7bf323c7.txt):
target id, a piece of the clause it quotes, the catalogue indicator, the kind, the year,
the value (None for kinds without one) and the indicator's unit.
"""

from __future__ import annotations

import pytest

import wdmonitor
from plan_checks import PlanDocumentCase
from wdmonitor.vocabulary import Area

PLAN_ID = "qingcheng-2021-2030"

NUMERIC_TARGETS = [
    ('health-1a', '妇女人均预期寿命延长', 'life_expectancy_female', 'increase', 2030, None, 'year_of_age'),
    ('health-1b', '人均健康预期寿命提高', 'healthy_life_expectancy_female', 'increase', 2030, None, 'year_of_age'),
    ('health-2a', '孕产妇死亡率下降到8/10 万以下', 'maternal_mortality_ratio', 'at_most', 2030, 8, 'per_100k'),
    ('health-2b', '城乡、区域差距逐步缩小', 'maternal_mortality_ratio', 'gap_narrowing', 2030, None, 'per_100k'),
    ('health-2c', '城乡、区域差距逐步缩小', 'maternal_mortality_ratio', 'gap_narrowing', 2030, None, 'per_100k'),
    ('health-3b', '适龄妇女宫颈癌筛查率达到70%以上', 'cervical_cancer_screening_rate', 'at_least', 2030, 70, 'percent'),
    ('health-3c', '乳腺癌人群筛查率逐步提高', 'breast_cancer_screening_rate', 'increase', 2030, None, 'percent'),
    ('health-4b', '孕产妇系统管理率达到90%以上', 'maternal_systematic_management_rate', 'at_least', 2030, 90, 'percent'),
    ('health-5a', '婚前医学检查率提高到65%', 'premarital_medical_check_rate', 'at_least', 2030, 65, 'percent'),
    ('health-5b', '孕前优生检查率达到80%以上', 'preconception_check_rate', 'at_least', 2030, 80, 'percent'),
    ('health-5d', '孕产妇艾滋病、梅毒和乙肝检测率达98%以上', 'prenatal_hiv_syphilis_hbv_testing_rate', 'at_least', 2030, 98, 'percent'),
    ('health-5e', '艾滋病母婴传播率下降到2%以下', 'hiv_mother_to_child_transmission_rate', 'at_most', 2030, 2, 'percent'),
    ('health-5f', '艾滋病、梅毒孕产妇感染者治疗率达95%以上', 'prenatal_hiv_syphilis_treatment_rate', 'at_least', 2030, 95, 'percent'),
    ('health-6b', '妇女心理健康素养水平不断提升', 'mental_health_literacy_female', 'increase', 2030, None, 'percent'),
    ('health-6c', '妇女焦虑障碍、抑郁症患病率上升趋势减缓', 'anxiety_depression_prevalence_female', 'slower_increase', 2030, None, 'percent'),
    ('health-7', '提高妇女健康素养水平', 'health_literacy_female', 'increase', 2030, None, 'percent'),
    ('health-8', '预防和减少孕产妇贫血', 'anaemia_prevalence_pregnant', 'decrease', 2030, None, 'percent'),
    ('health-9', '女性化妆用品抽查合格率达到95%以上', 'cosmetics_inspection_pass_rate', 'at_least', 2030, 95, 'percent'),
    ('health-10a', '提高妇女体质测定标准合格比例', 'physical_fitness_standard_share_female', 'increase', 2030, None, 'percent'),
    ('health-10b', '妇女经常参加体育锻炼的人数比例达到42%', 'regular_exercise_share_female', 'at_least', 2030, 42, 'percent'),
    ('health-11', '65岁以上老年人城乡社区规范健康管理服务率达到65%以上', 'elderly_health_management_rate', 'at_least', 2030, 65, 'percent'),
    ('health-s2', '确保建设 1 所政府举办、标准化妇幼保健机构', 'maternal_child_health_institutions', 'count', 2030, 1, 'institution'),
    ('health-s5a', '促进70%的妇女在35—45岁接受宫颈癌筛查', 'high_performance_cervical_screening_35_45', 'at_least', 2030, 70, 'percent'),
    ('health-s5b', '宫颈癌患者治疗率达到90%以上', 'cervical_cancer_treatment_rate', 'at_least', 2030, 90, 'percent'),
    ('health-s7', '先天梅毒报告发病率下降到15/10万活产数以下', 'congenital_syphilis_incidence', 'at_most', 2030, 15, 'per_100k'),
    ('education-3', '学前教育毛入园率达到100%', 'preschool_gross_enrolment_rate', 'at_least', 2030, 100, 'percent'),
    ('education-4', '女童九年义务教育巩固率稳定在 96%以上', 'compulsory_education_retention_rate', 'maintain_at_least', 2030, 96, 'percent'),
    ('education-6b', '男女两性科学素质水平差距不断缩小', 'science_literacy_rate', 'gap_narrowing', 2030, None, 'percent'),
    ('economy-2b', '就业人员中的女性比例保持在45%左右', 'female_share_employed', 'around', 2030, 45, 'percent'),
    ('economy-3', '城镇单位就业人员中的女性比例达到 42%以上', 'female_share_urban_unit_employed', 'at_least', 2030, 42, 'percent'),
    ('economy-4', '高级专业技术人员中的女性比例达到40%以上', 'female_share_senior_professionals', 'at_least', 2030, 40, 'percent'),
    ('economy-5a', '企业女职工接受职业技能培训的比例保持并巩固在95%以上', 'female_worker_vocational_training_share', 'maintain_at_least', 2030, 95, 'percent'),
    ('economy-5b', '农村技能培训女性人数占总培训人数比例达50%左右', 'female_share_rural_skills_trainees', 'around', 2030, 50, 'percent'),
    ('economy-6', '男女收入差距明显缩小', 'income_gap_male_female', 'gap_narrowing', 2030, None, 'yuan'),
    ('economy-7', '女职工职业病发病率明显降低', 'occupational_disease_incidence_female_workers', 'decrease', 2030, None, 'per_10k'),
    ('decision_making-2b', '中国共产党各级党员代表大会中女党员代表比例一般不低于本地区党', 'female_share_party_congress_delegates', 'relative_to', 2030, None, 'percent'),
    ('decision_making-3a', '区人大代表和常委会委员中的女性比例逐步提高', 'female_share_peoples_congress_deputies', 'increase', 2030, None, 'percent'),
    ('decision_making-3b', '区人大代表和常委会委员中的女性比例逐步提高', 'female_share_peoples_congress_standing_committee', 'increase', 2030, None, 'percent'),
    ('decision_making-3c', '区政协委员和常委中的女性比例逐步提高', 'female_share_cppcc_members', 'increase', 2030, None, 'percent'),
    ('decision_making-3d', '区政协委员和常委中的女性比例逐步提高', 'female_share_cppcc_standing_committee', 'increase', 2030, None, 'percent'),
    ('decision_making-4a', '区政府领导班子中的女干部比例逐步提高', 'female_share_government_leadership', 'increase', 2030, None, 'percent'),
    ('decision_making-4b', '担任正职的女干部占同级正职干部的比例逐步提高', 'female_share_county_government_chiefs', 'increase', 2030, None, 'percent'),
    ('decision_making-5a', '区直机关和乡（镇）级以上地方政府工作部门领导班子中女干部比例', 'female_share_government_departments_leadership', 'increase', 2030, None, 'percent'),
    ('decision_making-6', '各级各类事业单位领导班子成员中的女性比例逐步提高', 'female_share_public_institution_leadership', 'increase', 2030, None, 'percent'),
    ('decision_making-7a', '企业董事会、监事会成员及管理层中的女性比例逐步提高', 'female_share_enterprise_boards', 'increase', 2030, None, 'percent'),
    ('decision_making-7b', '企事业单位职工代表大会中女性比例与女职工比例相适应', 'female_share_workers_congress_deputies', 'relative_to', 2030, None, 'percent'),
    ('decision_making-8a', '村党组织成员、村党组织书记中女性比例逐步提高', 'female_share_village_party_members', 'increase', 2030, None, 'percent'),
    ('decision_making-8b', '村党组织成员、村党组织书记中女性比例逐步提高', 'female_share_village_party_secretaries', 'increase', 2030, None, 'percent'),
    ('decision_making-8c', '村委会成员中女性比例达到30%以上', 'female_share_village_committee_members', 'at_least', 2030, 30, 'percent'),
    ('decision_making-8d', '村委会主任中女性比例逐步提高', 'female_share_village_committee_directors', 'increase', 2030, None, 'percent'),
    ('decision_making-9a', '社区党组织成员、社区党组织书记中女性比例逐步提高', 'female_share_community_party_members', 'increase', 2030, None, 'percent'),
    ('decision_making-9b', '社区党组织成员、社区党组织书记中女性比例逐步提高', 'female_share_community_party_secretaries', 'increase', 2030, None, 'percent'),
    ('decision_making-9c', '社区居委会成员中女性比例保持在50%左右', 'female_share_residents_committee_members', 'around', 2030, 50, 'percent'),
    ('decision_making-9d', '社区居委会主任中女性比例达到40%以上', 'female_share_residents_committee_directors', 'at_least', 2030, 40, 'percent'),
    ('social_security-2', '提高生育保险参保率', 'maternity_insurance_coverage', 'increase', 2030, None, 'percent'),
    ('social_security-3', '妇女基本医疗保险参保率稳定在95%以上', 'basic_medical_insurance_coverage_female', 'maintain_at_least', 2030, 95, 'percent'),
    ('social_security-4', '妇女基本养老保险参保率提高到98.5%', 'basic_pension_insurance_coverage_female', 'at_least', 2030, 98.5, 'percent'),
    ('social_security-5a', '提高妇女失业保险和工伤保险参保人数', 'unemployment_insurance_insured_female', 'increase', 2030, None, 'person'),
    ('social_security-5b', '提高妇女失业保险和工伤保险参保人数', 'work_injury_insurance_insured_female', 'increase', 2030, None, 'person'),
    ('family-3b', '千兆宽带网络家庭普及率超过30%', 'gigabit_broadband_household_rate', 'at_least', 2030, 30, 'percent'),
    ('family-7', '缩小两性家务劳动时间差距', 'housework_time_gap', 'gap_narrowing', 2030, None, 'hour'),
    ('family-11b', '全区乡镇（街道）社会工作服务站覆盖率达到100%', 'township_social_work_station_coverage', 'coverage', 2030, 100, 'percent'),
    ('family-11c', '困难群众和特殊群众社会工作服务覆盖率达到100%', 'vulnerable_social_work_service_coverage', 'coverage', 2030, 100, 'percent'),
    ('family-s3', '城市社区综合服务设施实现全覆盖', 'community_service_facility_coverage', 'coverage', 2030, 100, 'percent'),
    ('environment-4a', '农村自来水普及率巩固在99%以上', 'rural_tap_water_coverage', 'maintain_at_least', 2030, 99, 'percent'),
    ('environment-5a', '农村无害化卫生厕所实现全覆盖', 'rural_sanitary_toilet_coverage', 'coverage', 2030, 100, 'percent'),
    ('environment-8', '实现大型公共场所母婴室全覆盖', 'mother_baby_room_coverage_large_public_places', 'coverage', 2030, 100, 'percent'),
    ('environment-s5', '推进城镇污水管网全覆盖', 'urban_sewer_network_coverage', 'coverage', 2030, 100, 'percent'),
    ('law-4b', '设立1个以上家庭暴力庇护场所', 'domestic_violence_shelters', 'count', 2030, 1, 'institution'),
    ('law-6b', '提高侵害妇女人身权益的刑事案件破案率和结案率', 'clearance_rate_crimes_against_women', 'increase', 2030, None, 'percent'),
    ('health-k1b', '适龄妇女乳腺癌人群筛查率逐步提高', 'breast_cancer_screening_rate', 'increase', 2030, None, 'percent'),
    ('health-k1c', '妇女宫颈癌筛查率达到70%以上', 'cervical_cancer_screening_rate', 'at_least', 2030, 70, 'percent'),
    ('health-k1e', '孕产妇死亡率下降到 8/10万以下', 'maternal_mortality_ratio', 'at_most', 2030, 8, 'per_100k'),
    ('health-k1f', '全区建设1所标准化妇幼保健机构', 'maternal_child_health_institutions', 'count', 2030, 1, 'institution'),
    ('health-k1g', '每千名儿童拥有儿科执业（助理）医生达到1.12名', 'pediatric_doctors_per_1000_children', 'at_least', 2030, 1.12, 'person / thousand_children'),
    ('health-k1h', '床位3.17张', 'pediatric_beds_per_1000_children', 'at_least', 2030, 3.17, 'bed / thousand_children'),
    ('health-k1i', '适龄儿童免疫规划疫苗接种率以乡（镇、街道）为单位保持在90%', 'child_immunisation_rate', 'maintain_at_least', 2030, 90, 'percent'),
    ('economy-k2', '推动员工制家政企业占比显著提高', 'employee_based_housekeeping_firm_share', 'increase', 2030, None, 'percent'),
    ('economy-k3', '企业女职工接受职业技能培训的比例保持并巩固在95%以上', 'female_worker_vocational_training_share', 'maintain_at_least', 2030, 95, 'percent'),
    ('economy-k5', '农村技能培训女性人数占总培训人数达50%左右', 'female_share_rural_skills_trainees', 'around', 2030, 50, 'percent'),
    ('family-k6', '婚姻家庭纠纷人民调解组织实现区、镇街、村（社区）三级全覆盖', 'family_dispute_mediation_coverage', 'coverage', 2030, 100, 'percent'),
    ('environment-k7', '全区建成母婴室65家以上', 'mother_baby_rooms', 'at_least', 2030, 65, 'institution'),
    ('family-k8', '每个城乡社区都有巾帼志愿服务队伍或开展巾帼志愿服务', 'community_women_volunteer_coverage', 'coverage', 2030, 100, 'percent'),
]

# Main goals per area, counted in the document: the numbered items under each area's
# 主要目标 heading (health 1–12, education 1–7, economy 1–9, decision-making 1–10, social security 1–9, family 1–11, environment 1–9, law 1–10).
GOALS_PER_AREA = {
    Area.HEALTH: 12,
    Area.EDUCATION: 7,
    Area.ECONOMY: 9,
    Area.DECISION_MAKING: 10,
    Area.SOCIAL_SECURITY: 9,
    Area.FAMILY: 11,
    Area.ENVIRONMENT: 9,
    Area.LAW: 10,
}


class TestDocument(PlanDocumentCase):
    """qingcheng: the header, the goals and every numeric target, against the document."""

    PLAN_ID = PLAN_ID
    TITLE_ZH = "清远市清城区妇女发展规划（2021—2030年）征求意见稿"
    PERIOD = (2021, 2030, 2020)
    EVALUATION_YEARS = (2025, 2030)
    CODE = "441802"
    DRAFT = True
    NUMERIC_TARGETS = NUMERIC_TARGETS
    GOALS_PER_AREA = GOALS_PER_AREA


@pytest.fixture(scope="module")
def plan():
    return wdmonitor.load_plan(PLAN_ID)


def test_key_project_targets_are_goals_too(plan):
    key = {t.id: t for t in plan.targets if t.section.value == "key_project"}
    assert key["environment-k7"].values[2030] == 65
    doctors = [t for t in key.values() if t.indicator == "pediatric_doctors_per_1000_children"][0]
    beds = [t for t in key.values() if t.indicator == "pediatric_beds_per_1000_children"][0]
    assert (doctors.values[2030], beds.values[2030]) == (1.12, 3.17)
    assert plan.indicators[doctors.indicator].unit == "person / thousand_children"


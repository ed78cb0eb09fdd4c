"""The fixed vocabulary of the yearly report (国办公开办函〔2021〕30号, DISCLOSURE.md):
row and column codes of tables 2, 3 and 4 with the labels the printed form uses.

The codes are part of the public contract (API, CLI JSON and CSV); the labels are the
form's own words, in the Simplified script the State Council's template is written in.
"""

from __future__ import annotations

from typing import Literal, get_args

ApplicantKind = Literal["person", "business", "research", "nonprofit", "legal_service", "other"]
APPLICANT_KINDS: tuple[str, ...] = get_args(ApplicantKind)
TABLE3_COLUMNS: tuple[str, ...] = (*APPLICANT_KINDS, "total")
TABLE3_COLUMN_LABELS: dict[str, str] = {
    "person": "自然人",
    "business": "商业企业",
    "research": "科研机构",
    "nonprofit": "社会公益组织",
    "legal_service": "法律服务机构",
    "other": "其他",
    "total": "总计",
}

# Outcome codes a reply closes a request with, grouped as the form groups them.
OUTCOME_GROUPS: dict[str, tuple[str, ...]] = {
    "withheld": (
        "withheld.state_secret",
        "withheld.prohibited",
        "withheld.security",
        "withheld.third_party",
        "withheld.internal",
        "withheld.process",
        "withheld.enforcement_file",
        "withheld.inquiry",
    ),
    "unavailable": ("unavailable.not_held", "unavailable.needs_creation", "unavailable.unclear"),
    "not_processed": (
        "not_processed.petition",
        "not_processed.repeat",
        "not_processed.publication",
        "not_processed.mass",
        "not_processed.reissue",
    ),
    "other": ("other.no_correction", "other.no_fee", "other.other"),
}
# （一）to（六）: the rows whose sum is （七）总计
RESULT_ROWS: tuple[str, ...] = ("disclosed", "partly", "withheld", "unavailable", "not_processed", "other")
OUTCOME_CODES: frozenset[str] = frozenset(
    {"disclosed", "partly", *(code for codes in OUTCOME_GROUPS.values() for code in codes)}
)

TABLE3_ROWS: tuple[tuple[str, str], ...] = (
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_in", "二、上年结转政府信息公开申请数量"),
    ("disclosed", "（一）予以公开"),
    ("partly", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("withheld", "（三）不予公开"),
    ("withheld.state_secret", "1.属于国家秘密"),
    ("withheld.prohibited", "2.其他法律行政法规禁止公开"),
    ("withheld.security", "3.危及“三安全一稳定”"),
    ("withheld.third_party", "4.保护第三方合法权益"),
    ("withheld.internal", "5.属于三类内部事务信息"),
    ("withheld.process", "6.属于四类过程性信息"),
    ("withheld.enforcement_file", "7.属于行政执法案卷"),
    ("withheld.inquiry", "8.属于行政查询事项"),
    ("unavailable", "（四）无法提供"),
    ("unavailable.not_held", "1.本机关不掌握相关政府信息"),
    ("unavailable.needs_creation", "2.没有现成信息需要另行制作"),
    ("unavailable.unclear", "3.补正后申请内容仍不明确"),
    ("not_processed", "（五）不予处理"),
    ("not_processed.petition", "1.信访举报投诉类申请"),
    ("not_processed.repeat", "2.重复申请"),
    ("not_processed.publication", "3.要求提供公开出版物"),
    ("not_processed.mass", "4.无正当理由大量反复申请"),
    ("not_processed.reissue", "5.要求行政机关确认或重新出具已获取信息"),
    ("other", "（六）其他处理"),
    ("other.no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other.no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other.other", "3.其他"),
    ("total", "（七）总计"),
    ("carried_out", "四、结转下年度继续办理"),
)
TABLE3_ROW_CODES: tuple[str, ...] = tuple(code for code, _ in TABLE3_ROWS)

DocKind = Literal["rule", "normative", "other"]
Validity = Literal["in_force", "repealed"]
TABLE2_ART20_1_KINDS: tuple[str, ...] = ("rule", "normative")  # 规章, 行政规范性文件
TABLE2_LABELS: dict[str, str] = {
    "art20_1": "第二十条第（一）项",
    "art20_1.rule": "规章",
    "art20_1.normative": "行政规范性文件",
    "art20_1.issued": "本年制发件数",
    "art20_1.repealed": "本年废止件数",
    "art20_1.in_force": "现行有效件数",
    "art20_5": "第二十条第（五）项",
    "art20_5.licensing": "行政许可",
    "art20_6": "第二十条第（六）项",
    "art20_6.penalty": "行政处罚",
    "art20_6.coercion": "行政强制",
    "art20_8": "第二十条第（八）项",
    "art20_8.fees_10k_yuan": "行政事业性收费",
    "decisions": "本年处理决定数量",
    "fees": "本年收费金额（单位：万元）",
}

CaseKind = Literal["reconsideration", "litigation_direct", "litigation_after_reconsideration"]
CASE_KINDS: tuple[str, ...] = get_args(CaseKind)
CaseOutcome = Literal["upheld", "corrected", "other"]
CASE_OUTCOMES: tuple[str, ...] = get_args(CaseOutcome)
TABLE4_COLUMNS: tuple[str, ...] = (*CASE_OUTCOMES, "pending", "total")
TABLE4_LABELS: dict[str, str] = {
    "reconsideration": "行政复议",
    "litigation_direct": "行政诉讼：未经复议直接起诉",
    "litigation_after_reconsideration": "行政诉讼：复议后起诉",
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

# Section 一 and the order of sections; the narratives are written by staff.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "一、总体情况"),
    ("proactive", "二、主动公开政府信息情况"),
    ("requests", "三、收到和处理政府信息公开申请情况"),
    ("review_cases", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other_matters", "六、其他需要报告的事项"),
)

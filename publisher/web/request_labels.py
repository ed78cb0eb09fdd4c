"""The words for the request register's codes, in Traditional Chinese (the source text;
English in the staff catalog), shared by the staff pages and the public form.

Outcome labels follow table 3 of the yearly report (国办公开办函〔2021〕30号) in the
Traditional script the portal is written in.
"""

from __future__ import annotations

from publisher.web.i18n import N_

APPLICANT_KINDS = {
    "person": N_("自然人"),
    "business": N_("商業企業"),
    "research": N_("科研機構"),
    "nonprofit": N_("社會公益組織"),
    "legal_service": N_("法律服務機構"),
    "other": N_("其他法人或組織"),
}
CHANNELS = {
    "in_person": N_("當面遞交"),
    "post": N_("郵寄"),
    "online": N_("網上申請"),
    "fax": N_("傳真"),
    "email": N_("電子郵件"),
    "other": N_("其他方式"),
}
STATUSES = {
    "open": N_("辦理中"),
    "extended": N_("已延長期限"),
    "replied": N_("已答覆"),
}
EVENTS = {
    "received": N_("收件"),
    "extended": N_("延長期限"),
    "replied": N_("答覆"),
    "purged": N_("清除個人資料"),
    "deadline_settled": N_("按已公布的日曆重算期限"),
}
OUTCOME_GROUPS = {
    "withheld": N_("不予公開"),
    "unavailable": N_("無法提供"),
    "not_processed": N_("不予處理"),
    "other": N_("其他處理"),
}
OUTCOMES = {
    "disclosed": N_("予以公開"),
    "partly": N_("部分公開"),
    "withheld.state_secret": N_("屬於國家秘密"),
    "withheld.prohibited": N_("其他法律行政法規禁止公開"),
    "withheld.security": N_("危及「三安全一穩定」"),
    "withheld.third_party": N_("保護第三方合法權益"),
    "withheld.internal": N_("屬於三類內部事務信息"),
    "withheld.process": N_("屬於四類過程性信息"),
    "withheld.enforcement_file": N_("屬於行政執法案卷"),
    "withheld.inquiry": N_("屬於行政查詢事項"),
    "unavailable.not_held": N_("本機關不掌握相關政府信息"),
    "unavailable.needs_creation": N_("沒有現成信息需要另行製作"),
    "unavailable.unclear": N_("補正後申請內容仍不明確"),
    "not_processed.petition": N_("信訪舉報投訴類申請"),
    "not_processed.repeat": N_("重複申請"),
    "not_processed.publication": N_("要求提供公開出版物"),
    "not_processed.mass": N_("無正當理由大量反覆申請"),
    "not_processed.reissue": N_("要求行政機關確認或重新出具已獲取信息"),
    "other.no_correction": N_("申請人無正當理由逾期不補正"),
    "other.no_fee": N_("申請人逾期未按收費通知要求繳納費用"),
    "other.other": N_("其他"),
}


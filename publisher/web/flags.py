"""Personal-data and secrecy flags as staff read them, on the review page and in the
editor's preview: the field, what kind of data, its masked form (never the data)."""

from __future__ import annotations

from typing import Any

from publisher.web.i18n import N_, Translator

KIND_NAMES = {"resident_id": N_("居民身份證號碼"), "mobile": N_("手機號碼"), "bank_card": N_("銀行卡號"),
              "secrecy_mark": N_("保密標記")}
FIELD_NAMES = {
    "title": N_("標題"), "summary": N_("摘要"), "body": N_("正文"), "led_text": N_("LED 文字"),
    "meta.doc_number": N_("文號"), "meta.issuing_org": N_("發文機關"), "meta.keywords": N_("關鍵詞"),
    "attachments": N_("附件名稱"),
}
# The editor's text fields whose personal data the mask button hides (form field names).
MASKABLE = ("title", "summary", "body", "led_text", "meta.doc_number", "meta.issuing_org", "meta.keywords")


def flag_rows(flags: dict[str, Any], t: Translator) -> list[dict[str, Any]]:
    """The flags of a revision (RevisionFlags.as_dict) as rows: field label (with the
    item's position for a list: 關鍵詞 2), kind, masked form, and the form field."""
    rows = []
    for name, found in flags.get("fields", {}).items():
        base = name.split("[")[0]
        label = t(FIELD_NAMES[base]) if base in FIELD_NAMES else name
        if "[" in name:
            label += f" {int(name.split('[')[1].rstrip(']')) + 1}"
        for finding in found["findings"]:
            rows.append({"field": label, "name": base, "kind": t(KIND_NAMES.get(finding["kind"], finding["kind"])),
                         "masked": finding["masked"], "personal": finding["kind"] != "secrecy_mark"})
    return rows

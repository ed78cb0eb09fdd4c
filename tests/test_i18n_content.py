"""Notice content in Simplified Chinese (OpenCC t2s with phrases), cached per revision."""

from __future__ import annotations

from publisher.domain.notices import NoticeIn
from publisher.i18n_content import SimplifiedCache, simplified_notice, to_simplified


def notice(**extra: object) -> NoticeIn:
    fields: dict[str, object] = {
        "title": "關於做好2026年高校畢業生就業工作的通知",
        "summary": "請各單位於5月前報送",
        "body": "## 一、總體要求\n\n頭髮與乾燥的環境，見[附件](https://example.gov.cn/a.pdf)。乾隆年間的檔案。",
        "category": "department_documents",
        "led_text": "招聘會週六舉行",
        "meta": {"doc_number": "江人社發〔2026〕12號", "issuing_org": "江門市人力資源和社會保障局",
                 "keywords": ["就業", "畢業生"]},
    }
    fields.update(extra)
    return NoticeIn.model_validate(fields)


def test_phrases_decide_where_characters_alone_would_be_wrong() -> None:
    # 乾 is 干 in 乾燥 but stays in the name 乾隆; 髮 and 發 both become 发
    assert to_simplified("乾燥") == "干燥"
    assert to_simplified("乾隆") == "乾隆"
    assert to_simplified("頭髮") == "头发"
    assert to_simplified("瞭解") == "了解"


def test_every_text_field_of_a_revision_is_converted_and_codes_are_not() -> None:
    converted = simplified_notice(notice())
    assert converted.title == "关于做好2026年高校毕业生就业工作的通知"
    assert converted.summary == "请各单位于5月前报送"
    assert "头发与干燥的环境" in converted.body and "乾隆年间的档案" in converted.body
    assert "(https://example.gov.cn/a.pdf)" in converted.body
    assert converted.led_text == "招聘会周六举行"
    assert converted.meta.doc_number == "江人社发〔2026〕12号"
    assert converted.meta.issuing_org == "江门市人力资源和社会保障局"
    assert converted.meta.keywords == ["就业", "毕业生"]
    assert converted.category == "department_documents"
    assert converted.schedule == notice().schedule


def test_missing_optional_fields_stay_missing() -> None:
    converted = simplified_notice(notice(summary=None, led_text=None, meta={}))
    assert converted.summary is None and converted.led_text is None and converted.meta.doc_number is None


def test_the_cache_converts_a_revision_once() -> None:
    cache = SimplifiedCache(maxsize=4)
    first = cache.get(7, 2, notice())
    again = cache.get(7, 2, notice(title="不會被讀到"))
    assert again is first and (cache.hits, cache.misses) == (1, 1)
    # a new revision is a new entry
    assert cache.get(7, 3, notice(title="修訂後的標題")).title == "修订后的标题"


def test_the_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    cache = SimplifiedCache(maxsize=2)
    cache.get(1, 1, notice(title="一號"))
    cache.get(2, 1, notice(title="二號"))
    cache.get(1, 1, notice())  # touch 1: 2 is now the oldest
    cache.get(3, 1, notice(title="三號"))
    assert len(cache) == 2
    assert cache.get(1, 1, notice(title="變了")).title == "一号"  # still cached
    assert cache.get(2, 1, notice(title="重新轉換")).title == "重新转换"  # was dropped

"""The demo data set: the bureau's staff, a kiosk and an LED sign per service hall, and
a dozen notices from the bureau's real work, each written, submitted and approved
through the same service layer as the API (so each has its history and index number).

Loading is idempotent: a database that already has the demo editor is left as it is.
Demo device tokens are fixed ("demo-<device id>") so the printed URLs keep working
across restarts; never use --demo for a real deployment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web
from sqlalchemy import select

from publisher import keys
from publisher.services import users
from publisher.services.users import Principal
from publisher.store.tables import users as users_table

PASSWORD = "publisher-demo"
STAFF = {"editor": ["editor"], "editor2": ["editor"], "reviewer": ["reviewer"], "admin": ["admin", "reviewer"]}

SIGNS: dict[str, dict[str, Any]] = {
    # A 128x32 GB2312 board: Simplified only, so Traditional notices are converted.
    "hall-hr": {"width_px": 128, "height_px": 32, "encoding": "gb2312", "convert": "t2s"},
    # A wider 192x32 GBK board: GBK holds Traditional characters too.
    "hall-si": {"width_px": 192, "height_px": 32, "encoding": "gbk"},
    # A Big5 board, as sold in Hong Kong and Taiwan.
    "hall-market": {"width_px": 128, "height_px": 32, "encoding": "big5"},
    # An old Alpha (BetaBrite) board: ASCII only, Chinese dropped, feed.alpha for its gateway.
    "hall-pro": {"width_px": 160, "height_px": 16, "encoding": "ascii", "unencodable": "drop", "mode": "scroll"},
}

_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
# The Chinese LED texts go to the three halls whose boards can show Chinese; the ASCII
# board in hall-pro gets a notice written for it.
_CHINESE_BOARDS = ["hall-hr", "hall-si", "hall-market"]

NOTICES: list[dict[str, Any]] = [
    {"title": "江門市人力資源和社會保障局主要職責", "category": "organization", "channels": ["portal"],
     "summary": "貫徹執行人力資源和社會保障方面的法律法規，統籌城鄉就業和社會保障政策。",
     "body": "## 主要職責\n\n1. 擬訂全市人力資源和社會保障事業發展規劃、政策。\n"
             "2. 統籌建立覆蓋城鄉的社會保障體系。\n3. 負責促進就業工作。\n\n諮詢電話：12333",
     "meta": {"issuing_org": "江門市人力資源和社會保障局", "keywords": ["機構職能"]}},
    {"title": "關於做好2026年度社會保險費徵收工作的通知", "category": "documents", "channels": ["portal", "kiosk"],
     "summary": "各參保單位須於每月15日前完成社會保險費申報。",
     "body": "各參保單位：\n\n為做好2026年度社會保險費徵收工作，現將有關事項通知如下。\n\n"
             "一、申報時間：每月1日至15日。\n\n二、逾期未申報的，依《社會保險法》第八十六條處理。",
     "meta": {"doc_number": "江人社〔2026〕12號", "issuing_org": "江門市人力資源和社會保障局",
              "issued_on": "2026-03-01", "keywords": ["社會保險", "徵收"]}},
    {"title": "江門市失業保險金申領辦法", "category": "documents", "channels": ["portal", "kiosk"],
     "body": "失業人員符合條件的，可持身份證到社保局辦事大廳或網上辦理失業保險金申領。",
     "meta": {"doc_number": "江人社規〔2025〕3號", "issued_on": "2025-07-01", "keywords": ["失業保險"]}},
    {"title": "城鎮職工基本醫療保險參保指南", "category": "guides", "channels": ["portal", "kiosk", "led"],
     "locations": _CHINESE_BOARDS,
     "summary": "參保範圍、繳費標準、待遇享受和辦理流程。", "led_text": "醫療保險參保指南：請到3號窗口辦理",
     "body": "### 參保範圍\n\n本市行政區域內的各類用人單位及其職工。\n\n### 辦理地點\n\n社保局辦事大廳3號窗口。",
     "meta": {"keywords": ["醫療保險", "辦事指南"]}},
    {"title": "靈活就業人員參保登記辦理指南", "category": "guides", "channels": ["portal", "kiosk"],
     "body": "靈活就業人員可攜帶身份證原件到人力資源綜合服務樓辦事大廳辦理參保登記。"},
    {"title": "勞動保障監察投訴受理流程", "category": "enforcement", "channels": ["portal", "kiosk"],
     "body": "用人單位拖欠工資等違法行為，可撥打12333或到勞動保障監察窗口投訴。", "meta": {"keywords": ["勞動監察"]}},
    {"title": "每月18日大型招聘會", "category": "news", "channels": ["portal", "kiosk", "led"],
     "locations": ["hall-market", "hall-hr"], "led_text": "每月18日上午9:00大型招聘會，歡迎求職者參加",
     "summary": "人力資源市場每月18日舉辦大型招聘會，提前兩天公告。",
     "body": "時間：每月18日上午9:00至12:00\n\n地點：人力資源市場三樓招聘大廳",
     "schedule": {"start": "2026-01-16T08:00:00+08:00",
                  "recurrence": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=16", "duration": "P3D"}},
     "meta": {"keywords": ["招聘"]}},
    {"title": "《社會保險法》宣傳月活動", "category": "news", "channels": ["portal", "kiosk", "led"],
     "locations": _CHINESE_BOARDS,
     "led_text": "學習《社會保險法》，維護自身合法權益",
     "body": "本局於7月開展《社會保險法》宣傳月活動，在各服務大廳設立諮詢台。"},
    {"title": "12333諮詢熱線服務時間調整", "category": "news", "channels": ["portal", "kiosk", "led"],
     "priority": "urgent",
     "led_text": "12333熱線服務時間：週一至週五 8:30-17:30",
     "body": "自本月起，12333人力資源和社會保障諮詢熱線人工服務時間調整為工作日8:30至17:30。"},
    {"title": "辦事大廳辦公時間", "category": "other", "channels": ["kiosk", "led"], "locations": _CHINESE_BOARDS,
     "led_text": "辦公時間：週一至週五 8:30-12:00 14:30-17:30",
     "body": "各辦事大廳週一至週五辦公，法定節假日休息。",
     "schedule": {"daily": [{"days": _WEEKDAYS, "from": "08:00", "to": "18:00"}]}},
    {"title": "第三季度人力資源市場供求分析", "category": "news", "channels": ["portal"],
     "body": "第三季度全市人力資源市場需求人數與求職人數之比為1.32。"},
    {"title": "專業技術人員公共服務大廳英文服務提示", "category": "other", "channels": ["led"],
     "locations": ["hall-pro"],
     "led_text": "12333 HOTLINE  MON-FRI 8:30-17:30  PROFESSIONAL TITLE SERVICES: WINDOW 2",
     "body": "專業技術人員公共服務大廳LED屏（ASCII）的英文提示。"},
    {"title": "退休人員養老金資格認證提示", "category": "guides", "channels": ["portal", "kiosk", "led"],
     "locations": ["hall-si"], "led_text": "退休人員請於年底前完成養老金資格認證",
     "body": "退休人員可通過手機或到社保局辦事大廳完成資格認證。"},
]


def demo_token(device_id: str) -> str:
    return f"demo-{device_id}"


async def load(app: web.Application) -> bool:
    """Load the demo set unless it is there; True when it was loaded now."""
    db = app[keys.DB]
    async with db.read() as conn:
        if (await conn.execute(select(users_table.c.id).where(users_table.c.username == "editor"))).first():
            return False
    now = app[keys.CLOCK]()
    settings = app[keys.SETTINGS]
    people: dict[str, Principal] = {}
    for name, roles in STAFF.items():
        spec = users.parse_user({"username": name, "password": PASSWORD, "roles": roles}, settings, demo=True)
        people[name] = await users.add_user(db, spec, now)
    registry = app[keys.DEVICES]
    for loc in settings.locations:
        await registry.add({"id": f"kiosk-{loc.code}", "kind": "kiosk", "location": loc.code,
                            "name": f"{loc.name}觸摸屏"}, now, token=demo_token(f"kiosk-{loc.code}"))
        profile = SIGNS.get(loc.code, {})
        await registry.add({"id": f"led-{loc.code}", "kind": "led", "location": loc.code,
                            "name": f"{loc.name}LED屏", "profile": profile}, now, token=demo_token(f"led-{loc.code}"))
    service = app[keys.NOTICES]
    for i, data in enumerate(NOTICES):
        author = people["editor" if i % 2 == 0 else "editor2"]
        notice = await service.create(author, data, now)
        submitted = await service.submit(author, notice["id"], now)
        await service.approve(people["reviewer"], notice["id"],
                              {"revision": submitted["pending_revision"]["revision"], "comment": "審查通過"}, now)
    return True


def banner(base: str) -> str:
    kiosk, led = "kiosk-hall-hr", "led-hall-hr"
    staff = ", ".join(f"{name} ({'/'.join(roles)})" for name, roles in STAFF.items())
    return "\n".join([
        "",
        "publisher demo is ready",
        f"  portal:       {base}/",
        f"  catalog:      {base}/catalog/",
        f"  kiosk page:   {base}/kiosk/{kiosk}/?token={demo_token(kiosk)}",
        f"  kiosk feed:   {base}/kiosk/v1/{kiosk}/feed.json?token={demo_token(kiosk)}",
        f"  LED feed:     {base}/led/v1/signs/{led}/feed.txt?token={demo_token(led)}",
        f"  LED (json):   {base}/led/v1/signs/{led}/feed.json?token={demo_token(led)}",
        f"  staff login:  {base}/staff/login  (API: POST {base}/api/v1/auth/login)",
        f"  staff users:  {staff}; password for all: {PASSWORD}",
        f"  API docs:     {base}/api/v1/openapi.json",
        "",
    ])


def demo_ctx(base: str) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        loaded = await load(app)
        print(("demo data loaded" if loaded else "demo data already present") + banner(base), flush=True)
        yield

    return ctx

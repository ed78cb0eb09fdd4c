"""Benchmark: fitted characters per second for a long mixed Chinese/ASCII notice.

Run: python3 bench/led_fit.py [--chars N] [--runs N] [--convert t2s]
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from channels.led.fitting import SignProfile, fit_text

SIMPLIFIED = [
    "关于调整社会保险业务办理时间的通知",
    "请携带身份证原件及复印件",
    "明日停水，请储水。",
    "就业服务大厅",
    "人力资源和社会保障局",
    "招聘会将于每月18日举行",
    "办理地点：三号窗口",
    "咨询电话：12333",
    "（节假日除外）",
    "“互联网+政务服务”",
    "失业保险金申领",
    "请勿插队！",
]
TRADITIONAL = [
    "關於調整社會保險業務辦理時間的通知",
    "請攜帶身分證正本及影本",
    "就業服務大廳",
    "人力資源和社會保障局",
    "臺灣居民來往大陸通行證",
    "門診報銷請至二樓櫃檯",
    "「線上申辦」服務",
]
ASCII = ["Wi-Fi", "9:00", "17:30", "GOV2024", "No.3", "PDF", "https://hrss.example.gov.cn", "A-12"]
PUNCTUATION = ["，", "。", "、", "；", "：", "！", "？", "……", "——", "《", "》", " ", "\n"]


def notice_text(chars: int, seed: int = 2024) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        pick = rng.random()
        if pick < 0.45:
            part = rng.choice(SIMPLIFIED)
        elif pick < 0.65:
            part = rng.choice(TRADITIONAL)
        elif pick < 0.8:
            part = rng.choice(ASCII) if rng.random() < 0.7 else str(rng.randint(1, 99999))
        else:
            part = rng.choice(PUNCTUATION)
        parts.append(part)
        size += len(part)
    return "".join(parts)[:chars]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--convert", default="none", choices=["none", "t2s", "tw2s", "hk2s"])
    args = parser.parse_args()
    text = notice_text(args.chars)
    profile = SignProfile(cols=16, rows=2, encoding="gb2312", convert=args.convert)
    best = float("inf")
    for _ in range(args.runs):
        start = time.perf_counter()
        result = fit_text(text, profile)
        best = min(best, time.perf_counter() - start)
    print(
        f"{len(text):,} chars, 16x2 gb2312, convert={args.convert}: {len(result.pages):,} pages, "
        f"best of {args.runs} {best * 1000:.1f} ms = {len(text) / best:,.0f} chars/s"
    )


if __name__ == "__main__":
    main()

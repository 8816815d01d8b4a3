"""Chinese personal data on a generated set: recall per type, and invalid numbers left alone.

    .venv/bin/python bench/pii_zh.py                 # 600 sentences, seed 7
    .venv/bin/python bench/pii_zh.py --seed 8 --n 1000

The set is generated here from templates the project wrote (a development set: the
recognizers were written knowing these templates): valid resident IDs (real
region codes, real birth dates, the ISO 7064 check character), mobile and
landline numbers in several layouts, UnionPay cards (Luhn, 16–19 digits), e-mail
addresses, passports, licence plates, street addresses and names (common surnames
with one- or two-character given names), some numbers in full-width digits or in
groups; and, in the same templates, invalid look-alikes: IDs with a wrong check
character, an impossible birth date or an unknown region; cards failing Luhn;
11-digit numbers that are not mobile numbers; order numbers. A valid span is found
when a predicted span of its type overlaps it; an invalid one is a false positive
when any predicted span overlaps it. Speed: texts/s of ``lai.redact`` over the set
(with the Chinese tagger), and of the patterns alone (``types`` = the structured
ones). Appends to bench/results/pii_zh.jsonl with the cores other processes used.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import LoadMeter, code_version, record
from lepton_ai.privacy.checksums import luhn_valid

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁"
            "潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江"
            "尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚建华文辉力永健志兴良海山波"
         "宁福龙全国胜学祥才新利清飞彬富顺昌成康光天达安中茂进林坚和博诚思群豪乐功"
         "松善庆民友裕河哲江浩亮政谦奇翰朗宏言鸣斌栋维启翔旭鹏泽晨辰德泰盛雄钧冠腾"
         "航佳琳雪婷倩慧颖洁玉萍红梅")
REGIONS = ["110101", "110105", "310104", "310115", "440305", "440106", "330106", "510107",
           "420106", "320102", "370102", "500103", "610113", "210102", "350203", "430104"]
PLACES = [("北京市", "朝阳区", ["建国路", "望京街", "东三环中路"]),
          ("上海市", "浦东新区", ["张江路", "世纪大道", "陆家嘴环路"]),
          ("广东省深圳市", "南山区", ["科技园路", "深南大道", "高新南一道"]),
          ("浙江省杭州市", "西湖区", ["文三路", "天目山路", "古墩路"]),
          ("四川省成都市", "武侯区", ["人民南路", "科华北路", "一环路南段"]),
          ("湖北省武汉市", "洪山区", ["珞喻路", "关山大道", "民族大道"])]
PLATE_PROVINCES = "京沪粤浙川鄂苏鲁"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
TEMPLATES = [
    ("我叫{name}，身份证号是{id}。", ()),
    ("请联系{name}，电话{mobile}，谢谢。", ()),
    ("客户{name}的银行卡号为{card}，请核实后退款。", ()),
    ("收货地址：{address}，收件人{name}，手机{mobile}", ()),
    ("{name}的邮箱是{email}，办公电话{landline}。", ()),
    ("车牌号为{plate}的车主{name}请到前台登记。", ()),
    ("旅客{name}，护照号码{passport}，已办理登机。", ()),
    ("您好，我是{name}，我的卡号{card}被冻结了，身份证{id}。", ()),
    ("麻烦寄到{address}，联系人{name}。", ()),
    ("订单{order}已发货，客服热线{landline}。", ()),
    ("身份证号{bad_id}好像填错了，请{name}重新提交。", ()),
    ("卡号{bad_card}无法绑定，请检查。", ()),
    ("编号{bad_mobile}的工单已关闭。", ()),
    ("请核对证件号码{bad_id}。", ()),
]


def id_number(rng: random.Random, valid: bool = True) -> str:
    """A resident ID; invalid ones break the check character, the date or the region."""
    born = f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = rng.choice(REGIONS) + born + f"{rng.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    if valid:
        return body + check
    way = rng.choice(("check", "date", "region"))
    if way == "check":
        return body + rng.choice([c for c in "0123456789X" if c != check])
    body = body[:10] + "13" + body[12:] if way == "date" else "99" + body[2:]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def luhn_digit(body: str) -> str:
    """The check digit that makes ``body`` + it pass Luhn."""
    return next(digit for digit in "0123456789" if luhn_valid(body + digit))


def card_number(rng: random.Random, valid: bool = True) -> str:
    length = rng.choice((16, 16, 19, 17, 18))
    body = "62" + "".join(rng.choice("0123456789") for _ in range(length - 3))
    check = luhn_digit(body)
    if not valid:
        check = str((int(check) + rng.randint(1, 9)) % 10)
    number = body + check
    if rng.random() < 0.4:
        number = " ".join(number[i:i + 4] for i in range(0, len(number), 4))
    return number


def mobile(rng: random.Random, valid: bool = True) -> str:
    second = rng.choice("3456789") if valid else rng.choice("012")
    digits = "1" + second + "".join(rng.choice("0123456789") for _ in range(9))
    layout = rng.random()
    if valid and layout < 0.2:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if valid and layout < 0.35:
        return f"+86 {digits}"
    return digits


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def generate(n: int, seed: int) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """``n`` sentences with their spans: (start, end, TYPE), TYPE "INVALID" for look-alikes."""
    rng = random.Random(seed)
    rows = []
    for index in range(n):
        template = TEMPLATES[index % len(TEMPLATES)][0]
        province, district, roads = rng.choice(PLACES)
        values = {
            "name": ("PERSON", rng.choice(SURNAMES) + "".join(
                rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))),
            "id": ("CN_RESIDENT_ID", id_number(rng)),
            "mobile": ("PHONE_NUMBER", mobile(rng)),
            "landline": ("PHONE_NUMBER", rng.choice(("010-", "021-", "0755-", "0571-"))
                         + str(rng.randint(2, 8)) + "".join(rng.choice("0123456789")
                                                           for _ in range(7))),
            "card": ("CREDIT_CARD", card_number(rng)),
            "email": ("EMAIL_ADDRESS", f"user{rng.randint(1, 9999)}@"
                      f"{rng.choice(('qq.com', '163.com', 'example.cn'))}"),
            "plate": ("CN_LICENSE_PLATE", rng.choice(PLATE_PROVINCES) + rng.choice(PLATE_LETTERS)
                      + "".join(rng.choice("0123456789ABCDEFGHJK") for _ in range(4))
                      + rng.choice("0123456789")),
            "passport": ("CN_PASSPORT", "E" + "".join(rng.choice("0123456789") for _ in range(8))),
            "address": ("STREET_ADDRESS", f"{province}{district}{rng.choice(roads)}"
                        f"{rng.randint(1, 999)}号" + rng.choice(("", f"{rng.randint(1, 30)}栋",
                                                                f"{rng.randint(1, 20)}单元"))),
            "order": ("INVALID", "".join(rng.choice("0123456789") for _ in range(16))),
            "bad_id": ("INVALID", id_number(rng, valid=False)),
            "bad_card": ("INVALID", card_number(rng, valid=False)),
            "bad_mobile": ("INVALID", mobile(rng, valid=False)),
        }
        if rng.random() < 0.15:
            for name in ("id", "mobile", "bad_id"):
                values[name] = (values[name][0], full_width(values[name][1]))
        text, spans = "", []
        for literal, field_name in _pieces(template):
            text += literal
            if field_name:
                kind, value = values[field_name]
                spans.append((len(text), len(text) + len(value), kind))
                text += value
        rows.append((text, spans))
    return rows


def _pieces(template: str) -> list[tuple[str, str]]:
    pieces, rest = [], template
    while "{" in rest:
        before, after = rest.split("{", 1)
        name, rest = after.split("}", 1)
        pieces.append((before, name))
    pieces.append((rest, ""))
    return pieces


def evaluate(rows: list, predicted: list[list[tuple[int, int, str]]]) -> dict:
    found, total, flagged, invalid = Counter(), Counter(), 0, 0
    for (_, spans), guesses in zip(rows, predicted, strict=True):
        for start, end, kind in spans:
            hits = [g for g in guesses if g[0] < end and start < g[1]]
            if kind == "INVALID":
                invalid += 1
                flagged += bool(hits)
            else:
                total[kind] += 1
                found[kind] += any(g[2] == kind for g in hits)
    report = {kind: {"gold": total[kind], "recall": round(found[kind] / total[kind], 3)}
              for kind in sorted(total)}
    report["invalid_numbers"] = {"count": invalid, "flagged": flagged,
                                 "false_positive_rate": round(flagged / max(1, invalid), 4)}
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows = generate(args.n, args.seed)
    texts = [text for text, _ in rows]
    structured = ["CN_RESIDENT_ID", "PHONE_NUMBER", "CREDIT_CARD", "EMAIL_ADDRESS",
                  "CN_PASSPORT", "CN_LICENSE_PLATE", "STREET_ADDRESS"]
    lai.redact(texts[:4], lang="zh")
    with LoadMeter([os.getpid()]) as meter:
        started = time.perf_counter()
        results = lai.redact(texts, lang="zh")
        with_names = len(texts) / (time.perf_counter() - started)
        started = time.perf_counter()
        lai.redact(texts, lang="zh", types=structured)
        patterns_only = len(texts) / (time.perf_counter() - started)
    predicted = [[(e.start, e.end, e.type) for e in r.entities] for r in results]
    result = {"code": code_version(), "seed": args.seed, "texts": len(texts),
              **evaluate(rows, predicted),
              "texts_per_s": {"with_names": round(with_names, 1),
                              "patterns_only": round(patterns_only, 1)},
              "foreign_cores": round(meter.foreign_cores, 2)}
    record("pii_zh", result)


if __name__ == "__main__":
    main()

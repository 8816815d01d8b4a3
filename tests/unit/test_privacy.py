"""Personal-data recognizers, redaction modes and the pseudonym vault (patterns only: no
model runs here; names are covered in tests/integration/test_privacy_real.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from lepton_ai.errors import LeptonError
from lepton_ai.privacy import mask_personal_data
from lepton_ai.privacy.checksums import chinese_id_valid, iban_valid, luhn_valid, us_ssn_valid
from lepton_ai.privacy.finder import PATTERN_TYPES, find_pii, wanted_types
from lepton_ai.privacy.redactor import (
    KeyedHash,
    Mask,
    Pseudonyms,
    apply_redaction,
    restore_text,
)
from lepton_ai.privacy.spans import PiiSpan, matching_form, without_overlaps
from lepton_ai.privacy.vault import PseudonymVault
from lepton_ai.tasks.redact import redact, restore

VALID_ID = "11010519491231002X"
FULL_WIDTH_ID = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in VALID_ID)


def found(text: str, lang: str = "auto") -> list[tuple[str, str]]:
    return [(span.type, text[span.start:span.end]) for span in find_pii([text], lang=lang)[0]]


def test_checksums() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert chinese_id_valid(VALID_ID)
    assert not chinese_id_valid(VALID_ID[:-1] + "1")  # wrong check character
    assert not chinese_id_valid("99" + VALID_ID[2:])  # no such province
    assert not chinese_id_valid("110105" + "19491331" + "002X")  # month 13
    assert not chinese_id_valid("110105" + "20990101" + "0011", today=date(2026, 1, 1))
    assert iban_valid("GB33BUKB20201555555555") and not iban_valid("GB34BUKB20201555555555")
    assert us_ssn_valid("494330748")
    assert not any(us_ssn_valid(n) for n in ("000330748", "666330748", "912330748",
                                              "494000748", "494330000"))


@pytest.mark.parametrize(("text", "expected"), [
    (f"身份证{VALID_ID}", [("CN_RESIDENT_ID", VALID_ID)]),
    (f"身份证{FULL_WIDTH_ID}", [("CN_RESIDENT_ID", FULL_WIDTH_ID)]),
    ("身份证 1101 0519 4912 3100 2X", [("CN_RESIDENT_ID", "1101 0519 4912 3100 2X")]),
    (f"身份证{VALID_ID[:-1]}1填错了", []),  # wrong check character: neither ID nor card
    ("手机138-1234-5678，座机010-62345678", [("PHONE_NUMBER", "138-1234-5678"),
                                        ("PHONE_NUMBER", "010-62345678")]),
    ("编号12812345678", []),  # 11 digits, not a mobile number
    ("卡号6222 0212 3456 7890 128", [("CREDIT_CARD", "6222 0212 3456 7890 128")]),
    ("卡号6202 5846 3483 2449", []),  # fails Luhn; its first 12 digits must not count
    ("订单4111111111111111已发货", []),  # an order number, whatever its checksum
    ("车牌京A·12345，护照E12345678", [("CN_LICENSE_PLATE", "京A·12345"),
                                 ("CN_PASSPORT", "E12345678")]),
    ("我住在北京市朝阳区建国路88号3栋", [("STREET_ADDRESS", "北京市朝阳区建国路88号3栋")]),
    ("邮箱张三abc@qq.com", [("EMAIL_ADDRESS", "abc@qq.com")]),
])
def test_chinese_patterns(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Call +44 20 7946 0958 or ann@example.com",
     [("PHONE_NUMBER", "+44 20 7946 0958"), ("EMAIL_ADDRESS", "ann@example.com")]),
    ("Fax: 345-899-3560x4587", [("PHONE_NUMBER", "345-899-3560x4587")]),
    ("paid 12.50 on 2024-05-01 at 10:30", []),
    ("When: 2000-04-16 11:34:30", []),
    ("order 1234567890123456 arrived", []),
    ("card 501864667909 please", [("CREDIT_CARD", "501864667909")]),  # 12 digits + card word
    ("My social security number is 853-37-1694", [("US_SSN", "853-37-1694")]),
    ("My driver's license number is 2270-66-1551", []),  # another kind of number
    ("Call my account manager at +1-984-182-0190",
     [("PHONE_NUMBER", "+1-984-182-0190")]),
    ("iban gb42nawi04454264788619.", [("IBAN_CODE", "gb42nawi04454264788619")]),
    ("iban gb43nawi04454264788619.", []),  # the check digits do not match
    ("IBAN GB33 BUKB 2020 1555 5555 55", [("IBAN_CODE", "GB33 BUKB 2020 1555 5555 55")]),
    ("from 10.2.3.4. and 6e40:4041:c617:e898:c11:40d2:c669:2eb4",
     [("IP_ADDRESS", "10.2.3.4"), ("IP_ADDRESS", "6e40:4041:c617:e898:c11:40d2:c669:2eb4")]),
    ("version 1.2.3.999 and a :: b", []),
    ("I live at 6750 Koskikatu 25, Apt. 864", [("STREET_ADDRESS", "6750 Koskikatu 25"),
                                               ("STREET_ADDRESS", "Apt. 864")]),
])
def test_english_patterns(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text, lang="en") == expected


def test_matching_form_keeps_offsets() -> None:
    text = "电话：１３８１２３４５６７８。"
    assert len(matching_form(text)) == len(text) and "13812345678" in matching_form(text)


def test_surer_and_longer_spans_win_overlaps() -> None:
    spans = [PiiSpan("PHONE_NUMBER", 0, 12, 0.7, "phone"), PiiSpan("CREDIT_CARD", 0, 16, 1.0, "card"),
             PiiSpan("PERSON", 20, 25, 0.8, "ner"), PiiSpan("PERSON", 22, 30, 0.6, "jieba")]
    assert [s.source for s in without_overlaps(spans)] == ["card", "ner"]


def test_modes() -> None:
    text = "卡号6222 0212 3456 7890 128，手机13812345678，又是13812345678"
    spans = find_pii([text])[0]
    assert apply_redaction(text, spans, Mask()).text == \
        "卡号**** **** **** **** ***，手机***********，又是***********"
    hashed = apply_redaction(text, spans, KeyedHash("k1")).text
    again = apply_redaction(text, spans, KeyedHash("k1")).text
    other = apply_redaction(text, spans, KeyedHash("k2")).text
    assert hashed == again != other and "13812345678" not in hashed
    assert hashed.count(hashed.split("手机")[1].split("，")[0]) == 2  # equal values link
    pseudonyms = Pseudonyms(None)
    first = apply_redaction(text, spans, pseudonyms).text
    assert first == "卡号[CREDIT_CARD_1]，手机[PHONE_NUMBER_1]，又是[PHONE_NUMBER_1]"
    second = apply_redaction("手机13900000000", find_pii(["手机13900000000"])[0], pseudonyms)
    assert second.text == "手机[PHONE_NUMBER_2]"  # consistent across the texts of a call


def test_entities_keep_offsets_of_the_original() -> None:
    result = redact(f"身份证{FULL_WIDTH_ID}！", types=list(PATTERN_TYPES))
    entity, = result.entities
    assert (entity.type, entity.start, entity.end) == ("CN_RESIDENT_ID", 3, 21)
    assert result.text == "身份证[CN_RESIDENT_ID]！"


def test_vault_round_trip_and_refusals(tmp_path: Path) -> None:
    vault = tmp_path / "people.vault"
    texts = ["手机13812345678", "又是13812345678，邮箱a@b.cn"]
    first = redact(texts, types=["PHONE_NUMBER", "EMAIL_ADDRESS"], mode="pseudonymize",
                   vault=vault, key="correct horse")
    assert [r.text for r in first] == ["手机[PHONE_NUMBER_1]",
                                       "又是[PHONE_NUMBER_1]，邮箱[EMAIL_ADDRESS_1]"]
    raw = vault.read_text()
    assert "13812345678" not in raw and json.loads(raw)["format"] == "lepton-ai.pseudonym-vault"
    later = redact("新号13900000000，旧号13812345678", types=["PHONE_NUMBER"],
                   mode="pseudonymize", vault=vault, key="correct horse")
    assert later.text == "新号[PHONE_NUMBER_2]，旧号[PHONE_NUMBER_1]"  # across calls too
    assert restore([r.text for r in first], vault=vault, key="correct horse") == texts
    with pytest.raises(LeptonError, match="LAI-E1302"):
        restore("[PHONE_NUMBER_1]", vault=vault, key="wrong")
    record = json.loads(raw)
    record["ciphertext"] = record["ciphertext"][:-6] + "AAAAAA"
    altered = tmp_path / "altered.vault"
    altered.write_text(json.dumps(record))
    with pytest.raises(LeptonError, match="LAI-E1302"):
        restore("x", vault=altered, key="correct horse")
    (tmp_path / "notes.txt").write_text("not a vault")
    with pytest.raises(LeptonError, match="LAI-E1304"):
        restore("x", vault=tmp_path / "notes.txt", key="k")
    with pytest.raises(LeptonError, match="LAI-E1303"):
        PseudonymVault(vault, "")
    with pytest.raises(LeptonError, match="LAI-E1306"):
        redact("x", mode="mask", vault=vault, key="k")


def test_key_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAI_VAULT_KEY", "from-env")
    redact("手机13812345678", types=["PHONE_NUMBER"], mode="pseudonymize",
           vault=tmp_path / "v.vault")
    assert restore("[PHONE_NUMBER_1]", vault=tmp_path / "v.vault") == "13812345678"


def test_unknown_type_names_the_closest() -> None:
    with pytest.raises(LeptonError, match=r"LAI-E1301.*Did you mean PHONE_NUMBER"):
        wanted_types(["PHONE_NUMBR"])
    assert wanted_types([" person ", "phone_number"]) == {"PERSON", "PHONE_NUMBER"}


def test_restore_leaves_unknown_pseudonyms(tmp_path: Path) -> None:
    vault = PseudonymVault(tmp_path / "v.vault", "k")
    vault.pseudonym("PERSON", "Ann")
    assert restore_text("[PERSON_1] met [PERSON_2]", vault) == "Ann met [PERSON_2]"


def test_chinese_names_start_with_a_surname() -> None:
    from lepton_ai.text.zh_names import plausible_chinese_name

    assert all(map(plausible_chinese_name, ["王小明", "李娜", "欧阳娜娜", "诸葛亮"]))
    assert not any(map(plausible_chinese_name, ["银行卡", "王", "王小明先生好", "Ann", "张3"]))


def test_mask_personal_data_runs_no_model() -> None:
    assert mask_personal_data(f"我的手机13812345678，身份证{VALID_ID}") == \
        "我的手机[PHONE_NUMBER]，身份证[CN_RESIDENT_ID]"
    assert mask_personal_data("tel (555) 123-4567") == "tel [PHONE_NUMBER]"

"""Greetings, thanks and goodbyes: answered politely, never searched in the base.

Without this, "thanks, that worked" finds no entry, counts as a turn the assistant
could not answer, and two of them would hand a satisfied customer to a person.
"""

from __future__ import annotations

import re

_THANKS = re.compile(
    r"^\W*((ok(ay)?|great|perfect|cool|good|got it|that worked|it worked|all good|"
    r"sorted|solved)\W*)*(thanks?( you)?( so much| a lot)?|thx|cheers|ty|appreciated?)"
    r"(\W+(ok(ay)?|great|perfect|that worked|it worked|bye)\W*)*\W*$"
    r"|^\W*(ok(ay)?|great|perfect|got it|that worked|it worked)\W*(,|\.)?\W*"
    r"(thanks?( you)?)?\W*$",
    re.IGNORECASE)
_ZH_THANKS = re.compile(r"谢谢|多谢|感谢|好的|知道了|明白了|没问题了|解决了")
#: A Chinese message with one of these still asks something ("好的，那年费多少").
_ZH_QUESTION = re.compile(r"多少|怎么|如何|什么|哪|吗|呢|？|\?|能不能|可以|是否|几")
_HELLO = re.compile(r"^\W*(hi|hello|hey|good (morning|afternoon|evening)|你好|您好|在吗)\W*$",
                    re.IGNORECASE)
_BYE = re.compile(r"^\W*(bye|goodbye|see you|再见|拜拜)\W*$", re.IGNORECASE)
#: Messages longer than this are questions, whatever politeness they carry.
MAX_WORDS, MAX_CHINESE = 6, 12
REPLIES = {
    "en": {"thanks": "You're welcome! Is there anything else I can help with?",
           "hello": "Hello! How can I help you today?",
           "bye": "Goodbye, and thank you for contacting us."},
    "zh": {"thanks": "不客气！还有什么可以帮您的吗？",
           "hello": "您好！请问有什么可以帮您？",
           "bye": "再见，感谢您的咨询。"},
}


def social_reply(message: str, lang: str) -> str | None:
    """The polite reply when ``message`` is only a greeting, thanks or goodbye."""
    chinese = sum(1 for char in message if "\u4e00" <= char <= "\u9fff")
    if len(message.split()) > MAX_WORDS or chinese > MAX_CHINESE:
        return None
    texts = REPLIES["zh" if lang == "zh" else "en"]
    for kind, pattern in (("hello", _HELLO), ("bye", _BYE), ("thanks", _THANKS)):
        if pattern.search(message):
            return texts[kind]
    if chinese and _ZH_THANKS.search(message) and not _ZH_QUESTION.search(message):
        return texts["thanks"]
    return None

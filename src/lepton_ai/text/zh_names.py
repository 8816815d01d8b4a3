"""Whether a tagged Chinese "name" can be a person's name: a common surname, then one to
three more characters.

jieba's dictionary, and the character tagger that reads its hints, tag some common
nouns as person names (银行卡 "bank card"). Almost every Chinese person carries one of
a few hundred surnames, so a name that does not start with one is dropped where a
false name costs more than a missed rare one (redaction keeps text readable).
The list: the most frequent single-character surnames of mainland China and Taiwan,
without those that are also the first character of many common words (银, 海, 国, 明,
平, 和, 门, 云, …), and the common two-character surnames.
"""

from __future__ import annotations

COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷"
    "詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳"
    "管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟"
    "邝官封谈匡鞠惠荆冀郁胥班储栗燕楚鄢劳谌奚皮粟冼蔺楼闻厉伊仝区郜阚权帅屠朴练廉禹井祖漆"
    "巴丰支卿狄计索宣晋相初容敬扈晁芮都普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况那宿鲜逯隆"
    "茹诸战慕危亢嵇湛宾戎勾茅揭尉冶檀昝智幸奉植衡富尧")
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙",
    "宇文", "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "申屠"})


def plausible_chinese_name(text: str) -> bool:
    """Two to four Chinese characters starting with a common surname (five or more
    characters, Latin letters or a rare surname: False)."""
    if not 2 <= len(text) <= 4 or not all("\u4e00" <= char <= "\u9fff" for char in text):
        return False
    return text[0] in COMMON_SURNAMES or (len(text) >= 3 and text[:2] in COMPOUND_SURNAMES)

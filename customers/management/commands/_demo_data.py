"""The tables the demo data is drawn from (``seed_demo``): service centres, estates, streets,
ID regions, phone prefixes, company names and relations."""

HISTORY_REASON = "演示数据"
# the record's own date that its initial history row carries
HISTORY_DAY_FIELDS = ("moved_in", "joined_on", "valid_from", "opened_on")

SERVICE_CENTRES = [
    ("第一服务中心", "SC1"),
    ("第二服务中心", "SC2"),
    ("第三服务中心", "SC3"),
    ("第四服务中心", "SC4"),
]

# (name, code): the code goes into the archive numbers.
ESTATES = [
    ("翠湖苑", "CH"),
    ("锦绣花园", "JX"),
    ("滨江华府", "BJ"),
    ("碧水湾", "BS"),
    ("金色家园", "JS"),
    ("阳光花园", "YG"),
    ("海棠湾", "HT"),
    ("枫林绿洲", "FL"),
    ("紫荆苑", "ZJ"),
    ("龙腾苑", "LT"),
    ("东方明珠花园", "DF"),
    ("世纪花城", "SJ"),
    ("绿景新苑", "LJ"),
    ("丽水佳园", "LS"),
    ("香樟园", "XZ"),
    ("玉兰苑", "YL"),
    ("书香门第", "SX"),
    ("怡景湾", "YJ"),
    ("瑞祥家园", "RX"),
    ("华庭雅苑", "HY"),
    ("君悦府", "JY"),
    ("天鹅湖花园", "TE"),
    ("星河湾", "XH"),
    ("万象华府", "WX"),
    ("松涛苑", "ST"),
    ("金地名郡", "JD"),
    ("桃源居", "TY"),
    ("和谐家园", "HX"),
    ("南山花园", "NS"),
    ("春华苑", "CY"),
    ("明珠苑", "MZ"),
    ("半山御园", "BM"),
]
CHINESE_NUMERALS = "零一二三四五六七八九十"

DISTRICTS = ["南山区", "福田区", "罗湖区", "宝安区", "龙岗区", "龙华区"]
STREETS = [
    "深南大道",
    "滨海大道",
    "沙河西路",
    "科苑南路",
    "南海大道",
    "北环大道",
    "红荔路",
    "莲花路",
    "福华路",
    "新洲路",
    "华侨城路",
    "梅林路",
    "布吉路",
    "宝安大道",
    "创业路",
    "龙岗大道",
    "民治大道",
    "留仙大道",
    "桃园路",
    "后海大道",
    "香蜜湖路",
    "东门中路",
]
# Where people were born: real county-level codes (GB/T 2260).
ID_REGIONS = [
    "110101",  # 北京 东城
    "110105",  # 北京 朝阳
    "120101",  # 天津 和平
    "210102",  # 沈阳 和平
    "310104",  # 上海 徐汇
    "310115",  # 上海 浦东
    "320102",  # 南京 玄武
    "320115",  # 南京 江宁
    "330102",  # 杭州 上城
    "330106",  # 杭州 西湖
    "350203",  # 厦门 思明
    "360102",  # 南昌 东湖
    "370202",  # 青岛 市南
    "410105",  # 郑州 金水
    "420106",  # 武汉 武昌
    "430104",  # 长沙 岳麓
    "440106",  # 广州 天河
    "440303",  # 深圳 罗湖
    "440304",  # 深圳 福田
    "440305",  # 深圳 南山
    "440306",  # 深圳 宝安
    "450103",  # 南宁 青秀
    "500103",  # 重庆 渝中
    "510107",  # 成都 武侯
    "610113",  # 西安 雁塔
]
# Where enterprises are registered (the company is in Shenzhen, area code 0755).
USCC_REGIONS = ["440300", "440303", "440304", "440305", "440306", "440307", "440309"]
MOBILE_PREFIXES = [f"13{d}" for d in range(10)] + [
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    *(f"18{d}" for d in range(10)),
]
COMPANY_TRADES = ["科技", "贸易", "实业", "投资", "餐饮管理", "文化传播", "电子", "物流", "咨询"]
TRADE_NAME_1 = list("华鑫瑞恒德信达通盛泰安宏嘉和兴汇联创博远鼎金天润")
TRADE_NAME_2 = list("盛达信通丰泰源昌业隆成美辉科亚威捷益")
COMPANY_FORMS = ["有限公司", "有限公司", "有限公司", "股份有限公司"]
CONTACT_RELATIONS = ["配偶", "子女", "兄弟", "姐妹", "朋友", "亲属"]
ENTERPRISE_CONTACT_ROLES = ["行政主管", "财务经理", "办公室主任", "总经理助理"]
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _suffix(n: int) -> str:
    return f"{CHINESE_NUMERALS[n]}期" if n <= 10 else f"{n}期"

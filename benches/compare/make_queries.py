"""Writes benches/compare/queries.txt: the query set of the speed comparison.

Deterministic (fixed seed); the vocabulary is that of benches/gencorpus.rs (cities, topics,
domain sentences), so the queries find answers in any generated corpus. One query a line, in
seven kinds as people type them: short keywords, whole questions, keyword lists, "phrases",
filters/operators (baoxian's query language; the peers get the words only), traditional
or full-width forms, and long chatty questions (40-150 characters, the last 30 lines).  Run:  python3 benches/compare/make_queries.py
"""
import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20261123)

topics = [
    ("医保参保地", "变更"), ("医保", "断缴补缴"), ("医保卡", "余额查询"), ("异地就医", "备案"),
    ("医保钱包", "开通"), ("城乡居民医保", "缴费"), ("生育津贴", "领取"), ("失业保险金", "申领"),
    ("养老保险", "关系转移"), ("社保卡", "补办"), ("门诊慢特病", "申请"), ("职工医保", "报销"),
    ("大病保险", "报销"), ("家庭共济", "绑定"), ("灵活就业人员", "参保"), ("新生儿", "参保登记"),
    ("退休人员", "医保待遇"), ("工伤认定", "申请"), ("医保电子凭证", "激活"), ("个人账户", "提取"),
    ("医保", "转移接续"), ("住院费用", "报销"), ("门诊共济", "报销"), ("定点医院", "变更"),
    ("社保缴费基数", "调整"), ("城镇职工医保", "停保"), ("医保卡密码", "重置"), ("生育保险", "报销"),
    ("跨省异地就医", "结算"), ("医保卡", "挂失"),
]
with open(os.path.join(HERE, "..", "data", "cities.csv"), encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
cities = [r["city"] for r in rows]
provinces = sorted({r["province"] for r in rows})


def short(city):
    for suffix in ("自治州", "地区", "盟", "市"):
        if city.endswith(suffix) and len(city) > len(suffix) + 1:
            return city[: -len(suffix)]
    return city


asks = ["怎么办理", "需要哪些材料", "多久能办好", "去哪里办", "在手机上怎么操作", "要多长时间",
        "有什么条件", "可以在网上办吗", "办理后多久生效", "报销比例是多少"]
extras = ["等待期", "统筹基金", "起付线", "封顶线", "报销比例", "12393", "国家医保服务平台", "身份证",
          "工作日", "短信通知", "微信", "支付宝", "小程序", "配偶", "父母", "子女", "财政补助"]
trad = {"医保卡余额查询": "醫保卡餘額查詢", "社保卡补办": "社保卡補辦", "异地就医备案": "異地就醫備案",
        "医保卡挂失": "醫保卡掛失", "门诊慢特病申请": "門診慢特病申請", "家庭共济绑定": "家庭共濟綁定",
        "生育津贴领取": "生育津貼領取", "失业保险金申领": "失業保險金申領"}
queries = []
for _ in range(50):  # short keywords
    a, b = rng.choice(topics)
    queries.append(rng.choice([f"{short(rng.choice(cities))} {a}{b}", f"{a} {b}", f"{a}{b}"]))
for _ in range(50):  # whole questions
    a, b = rng.choice(topics)
    queries.append(f"{rng.choice(cities)}{a}{b}{rng.choice(asks)}")
for _ in range(35):  # keyword lists
    a, b = rng.choice(topics)
    queries.append(" ".join([a, b] + rng.sample(extras, 2)))
for _ in range(30):  # phrases
    a, b = rng.choice(topics)
    queries.append(f'"{a}{b}" {short(rng.choice(cities))}' if rng.random() < 0.5 else f'"{a}" {rng.choice(extras)}')
for _ in range(35):  # filters and operators
    a, b = rng.choice(topics)
    queries.append(rng.choice([
        f"region:{rng.choice(provinces)} {a}{b}",
        f"after:20{rng.randint(15, 23)}-01-01 {a} {b}",
        f"{a}{b} -{rng.choice(extras)}",
        f"title:{a} {b}",
        f"{a} OR {rng.choice(topics)[0]} {b}",
    ]))
for _ in range(20):  # traditional characters and full-width forms
    t = rng.choice(list(trad))
    queries.append(rng.choice([trad[t], f"{short(rng.choice(cities))} {trad[t]}", f"{t} １２３９３", f"{t} ＡＰＰ"]))
# long questions as askers write them (40-150 characters): context, the matter, pleasantries
openings = ["我是{c}的，去年换了工作，", "请问一下，我妈妈在{c}老家，", "本人在{c}上班三年了，",
            "一周前去办事才发现，", "单位一直没给我们交，后来自己交了几个月，", "家里老人退休以后回{c}住，"]
middles = ["现在想问问{a}{b}具体{ask}", "不知道{a}{b}{ask}", "想了解一下{a}{b}的流程，{ask}",
           "听别人说{a}要先{b}，{ask}"]
closings = ["，有没有了解的朋友说一下，谢谢大家！", "？网上查了半天也没看明白，麻烦懂的人指点一下，多谢！",
            "，这种情况应该怎么办啊？", "，还有需要带{x}吗？先谢谢了。"]
for _ in range(30):  # long questions
    a, b = rng.choice(topics)
    c = rng.choice(cities)
    q = (rng.choice(openings) + rng.choice(middles) + rng.choice(closings)).format(
        c=c, a=a, b=b, ask=rng.choice(asks), x=rng.choice(extras))
    assert 40 <= len(q) <= 150, q
    queries.append(q)
assert len(queries) >= 200
with open(os.path.join(HERE, "queries.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(queries) + "\n")
print(len(queries), "queries")

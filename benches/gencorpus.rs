//! Deterministic corpus generator for benchmarks: N article pages of the seeds' shape.
//!
//! ```sh
//! cargo run --release --example gencorpus -- --seed 42 --count 100000 --out /tmp/bx100k
//! ```
//!
//! Writes `OUT/pages/NNN/…` (about 40% plain-text pages like the seeds, the rest HTML in three
//! site styles, about 10% of all pages GBK-encoded) and `OUT/articles.jsonl` (one
//! `{"id", "title", "body"}` line per page, the same text, for the programs compared with baoxian).
//! Titles combine 341 real cities with insurance topics and question forms; bodies mix templated
//! domain sentences with text drawn from jieba's word frequencies (`benches/data/words.txt`).
//! The same seed and count always give the same files, byte for byte.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use clap::Parser;

#[derive(Parser)]
#[command(about = "Write a deterministic corpus of insurance Q&A pages for benchmarks")]
struct Args {
    /// Seed of the pseudo-random sequence
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of pages
    #[arg(long, short = 'n', default_value_t = 10_000)]
    count: usize,
    /// Output folder (created; pages go to OUT/pages, the JSONL to OUT/articles.jsonl)
    #[arg(long)]
    out: PathBuf,
}

/// SplitMix64: tiny, fast, and fixed forever (unlike a crate's generator across versions).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Words drawn by their frequency in jieba's dictionary.
struct Words {
    words: Vec<&'static str>,
    cumulative: Vec<u64>,
}

impl Words {
    fn load() -> Words {
        let mut words = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0;
        for line in include_str!("data/words.txt").lines() {
            let mut parts = line.split(' ');
            if let (Some(w), Some(f)) = (parts.next(), parts.next().and_then(|f| f.parse::<u64>().ok())) {
                total += f;
                words.push(w);
                cumulative.push(total);
            }
        }
        Words { words, cumulative }
    }
    fn draw(&self, rng: &mut Rng) -> &'static str {
        let total = *self.cumulative.last().unwrap_or(&1);
        let x = rng.next() % total;
        self.words[self.cumulative.partition_point(|&c| c <= x).min(self.words.len() - 1)]
    }
    /// A clause of `n` words, with commas now and then, ending in 。
    fn sentence(&self, rng: &mut Rng, n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            s.push_str(self.draw(rng));
            if i + 1 < n && i > 3 && rng.chance(12) {
                s.push('，');
            }
        }
        s.push('。');
        s
    }
}

const TOPICS: &[&str] = &[
    "医保参保地变更",
    "医保断缴补缴",
    "医保卡余额查询",
    "异地就医备案",
    "医保钱包开通",
    "城乡居民医保缴费",
    "生育津贴领取",
    "失业保险金申领",
    "养老保险关系转移",
    "社保卡补办",
    "门诊慢特病申请",
    "职工医保报销",
    "大病保险报销",
    "家庭共济绑定",
    "灵活就业人员参保",
    "新生儿参保登记",
    "退休人员医保待遇",
    "工伤认定申请",
    "医保电子凭证激活",
    "个人账户提取",
    "医保转移接续",
    "住院费用报销",
    "门诊共济报销",
    "医保定点医院变更",
    "社保缴费基数调整",
    "城镇职工医保停保",
    "医保卡密码重置",
    "生育保险报销",
    "跨省异地就医结算",
    "医保卡挂失",
];
const QUESTION_FORMS: &[&str] = &[
    "{c}{t}怎么办理?",
    "{c}{t}需要哪些材料?",
    "{t}多久能办好?以{p}{c}为例",
    "{c}{t}流程详解({d})",
    "{y}年{c}{t}最新规定",
    "{c}{t}去哪里办?",
    "{t}在手机上怎么操作?({d})",
    "{p}{c}{t}常见问题解答",
];
const SECTION_FORMS: &[&str] = &[
    "{c}{t}怎么办理?",
    "{c}{t}需要什么条件?",
    "{t}可以在网上办吗?",
    "{t}要多长时间?",
    "{c}{t}的办理地点在哪里?",
    "{t}有哪些注意事项?",
    "{t}办理后多久生效?",
    "{c}{t}报销比例是多少?",
];
const DOMAIN: &[&str] = &[
    "参保人可以登录国家医保服务平台APP办理{t}，上传身份证和相关材料后提交申请。",
    "{c}医疗保障局规定，{t}一般在{n}个工作日内办结，办理结果会通过短信通知。",
    "线下办理需要携带身份证原件、社保卡和{c}医保经办机构要求的证明材料。",
    "职工医保个人账户余额可以通过家庭共济用于配偶、父母和子女的医疗费用。",
    "断缴超过{n}个月的，补缴后需要经过等待期，等待期内发生的医疗费用统筹基金不予支付。",
    "城乡居民医保个人缴费标准为每人每年{m}元，财政补助不低于每人每年{m2}元。",
    "异地就医直接结算执行就医地的支付范围，起付线、报销比例和封顶线执行参保地政策。",
    "如有疑问，可以拨打12393医保服务热线或12333人社服务热线咨询。",
    "{p}已全面开通{t}线上服务，参保人通过微信或支付宝搜索相关小程序即可办理。",
    "办理{t}前，请先确认参保状态正常，并核对姓名、身份证号等个人信息。",
];
const SOURCES: &[&str] = &["社保网", "医保百科", "快问医保", "人社服务网", "健康知识库"];

struct Page {
    title: String,
    date: (u32, u32, u32),
    source: &'static str,
    intro: String,
    sections: Vec<(String, String)>,
    related: Vec<(String, (u32, u32, u32))>,
}

fn fill(form: &str, rng: &mut Rng, city: (&str, &str), topic: &str) -> String {
    let (p, c) = city;
    let city_short = c.trim_end_matches('市');
    form.replace("{p}", p)
        .replace("{c}", if rng.chance(50) { c } else { city_short })
        .replace("{t}", topic)
        .replace("{y}", &format!("{}", 2023 + rng.below(3)))
        .replace("{d}", &format!("{:02}/{:02}", 1 + rng.below(12), 1 + rng.below(28)))
        .replace("{n}", &format!("{}", 1 + rng.below(15)))
        .replace("{m}", &format!("{}", 320 + 10 * rng.below(12)))
        .replace("{m2}", &format!("{}", 600 + 10 * rng.below(20)))
}

fn paragraph(rng: &mut Rng, words: &Words, city: (&str, &str), topic: &str) -> String {
    let form = *rng.pick(DOMAIN);
    let mut p = fill(form, rng, city, topic);
    for _ in 0..1 + rng.below(3) {
        let n = 8 + rng.below(18);
        p.push_str(&words.sentence(rng, n));
    }
    p
}

fn page(rng: &mut Rng, words: &Words, cities: &[(String, String)]) -> Page {
    let (p, c) = rng.pick(cities);
    let city = (p.as_str(), c.as_str());
    let topic = *rng.pick(TOPICS);
    let date = (2023 + rng.below(3) as u32, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
    let form = *rng.pick(QUESTION_FORMS);
    let title = fill(form, rng, city, topic);
    let intro = paragraph(rng, words, city, topic);
    let sections = (0..2 + rng.below(4))
        .map(|_| {
            let form = *rng.pick(SECTION_FORMS);
            let q = fill(form, rng, city, topic);
            let a = (0..2 + rng.below(3)).map(|_| paragraph(rng, words, city, topic)).collect::<Vec<_>>().join("\n");
            (q, a)
        })
        .collect();
    let related = (0..4 + rng.below(6))
        .map(|_| {
            let (p2, c2) = rng.pick(cities);
            let t2 = *rng.pick(TOPICS);
            let d = (date.0, date.1, 1 + rng.below(28) as u32);
            let form = *rng.pick(QUESTION_FORMS);
            (fill(form, rng, (p2, c2), t2), d)
        })
        .collect();
    let source = SOURCES[rng.below(SOURCES.len())];
    Page { title, date, source, intro, sections, related }
}

fn ymd(d: (u32, u32, u32)) -> String {
    format!("{:04}-{:02}-{:02}", d.0, d.1, d.2)
}

fn text_page(p: &Page) -> String {
    let mut s = format!("{}\n\n{} 09:{:02}:00{}\n\n{}\n\n", p.title, ymd(p.date), p.date.2 % 60, p.source, p.intro);
    for (q, a) in &p.sections {
        let _ = write!(s, "{q}\n\n{}\n\n", a.replace('\n', "\n\n"));
    }
    s.push_str("温馨提示:本数据源于网络,仅供参考!具体需以当地具体法规为准!\n\n");
    let _ = writeln!(s, "{}声明:资讯来源于网络,属作者个人观点,仅供参考。投诉", p.source);
    for chunk in p.related.chunks(4) {
        let line: Vec<String> = chunk.iter().map(|(t, d)| format!("{t} {} 08:00医保知识", ymd(*d))).collect();
        s.push_str(&line.join(" "));
        s.push('\n');
    }
    s
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn paragraphs_html(a: &str) -> String {
    a.lines().map(|l| format!("<p>{}</p>\n", escape(l))).collect()
}

/// Three site styles: a portal with h3 questions, a Q&A site with bold questions (GBK), a
/// government page with h2 questions.
fn html_page(p: &Page, style: usize, gbk: bool) -> String {
    let charset = if gbk { "gbk" } else { "utf-8" };
    let mut s = String::new();
    let related: String = p
        .related
        .iter()
        .enumerate()
        .map(|(i, (t, d))| {
            format!("<li><a href=\"/a/{i}.html\">{}</a><span class=\"date\">{}</span></li>\n", escape(t), ymd(*d))
        })
        .collect();
    match style {
        0 => {
            let _ = write!(
                s,
                "<!DOCTYPE html>\n<html><head><meta charset=\"{charset}\"><title>{t}_医保知识_{src}</title></head><body>\n\
                 <div class=\"top-nav\"><a href=\"/\">首页</a><a href=\"/yibao/\">医保知识</a><a href=\"/shebao/\">社保查询</a></div>\n\
                 <div class=\"breadcrumb\"><a href=\"/\">首页</a> &gt; <a href=\"/yibao/\">医保知识</a></div>\n\
                 <div class=\"article\"><h1>{t}</h1><div class=\"article-info\">{d} 来源：{src}</div>\n<div class=\"article-content\">\n<p>{intro}</p>\n",
                t = escape(&p.title),
                src = p.source,
                d = ymd(p.date),
                intro = escape(&p.intro)
            );
            for (q, a) in &p.sections {
                let _ = write!(s, "<h3>{}</h3>\n{}", escape(q), paragraphs_html(a));
            }
            let _ = write!(
                s,
                "<p>温馨提示：以上内容仅供参考。</p></div></div>\n<div class=\"related-articles\"><h2>相关推荐</h2><ul>\n{related}</ul></div>\n\
                 <div class=\"hot-search\"><h3>大家都在搜</h3><a href=\"/s/1\">医保查询</a> <a href=\"/s/2\">社保转移</a></div>\n\
                 <div class=\"footer\">Copyright © 2025 {} 版权所有</div></body></html>\n",
                p.source
            );
        }
        1 => {
            let _ = write!(
                s,
                "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset={charset}\" /><title>{t} - 快问医保</title>\n\
                 <meta property=\"og:title\" content=\"{t}\" /></head><body>\n<div id=\"header\"><a href=\"/\">快问医保</a> | <a href=\"/ask\">我要提问</a></div>\n\
                 <div class=\"question-box\"><h1>{t}</h1><p class=\"meta\">发布时间：<time datetime=\"{d}T08:30:00+08:00\">{d}</time> 来源：快问医保</p></div>\n\
                 <div class=\"answer-content\">\n<p>{intro}</p>\n",
                t = escape(&p.title),
                d = ymd(p.date),
                intro = escape(&p.intro)
            );
            for (q, a) in &p.sections {
                let _ = write!(s, "<p><strong>{}</strong></p>\n{}", escape(q), paragraphs_html(a));
            }
            let _ = write!(
                s,
                "<div class=\"ad\"><a href=\"/ad\">百万医疗险一年只要几百元</a></div></div>\n<h2>相关问答</h2><ul class=\"qa-list\">\n{related}</ul>\n\
                 <div id=\"footer\">关于我们 | 联系我们</div></body></html>\n"
            );
        }
        _ => {
            let _ = write!(
                s,
                "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset={charset}\"><title>{t}_政策解读_{src}</title></head><body>\n\
                 <table width=\"100%\"><tr><td class=\"menu\"><a href=\"/\">网站首页</a> <a href=\"/zwgk/\">政务公开</a></td></tr></table>\n\
                 <div class=\"title-area\"><div class=\"tit\">{t}</div><div class=\"info\">发布日期：{d} 来源：{src}</div></div>\n<div id=\"zoom\">\n<p>{intro}</p>\n",
                t = escape(&p.title),
                src = p.source,
                d = ymd(p.date).replace('-', "/"),
                intro = escape(&p.intro)
            );
            for (q, a) in &p.sections {
                let _ = write!(s, "<h2>{}</h2>\n{}", escape(q), paragraphs_html(a));
            }
            s.push_str(
                "</div>\n<div class=\"bottom\">主办单位：医疗保障局 网站标识码：0000000000</div></body></html>\n",
            );
        }
    }
    s
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let words = Words::load();
    let cities: Vec<(String, String)> = include_str!("data/cities.csv")
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(',').map(|(p, c)| (p.to_string(), c.to_string())))
        .collect();
    let mut rng = Rng(args.seed);
    std::fs::create_dir_all(args.out.join("pages"))?;
    let mut jsonl = std::io::BufWriter::new(std::fs::File::create(args.out.join("articles.jsonl"))?);
    let (mut text_bytes, mut file_bytes) = (0u64, 0u64);
    for i in 0..args.count {
        let p = page(&mut rng, &words, &cities);
        let folder = args.out.join("pages").join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&folder)?;
        }
        let kind = rng.below(100);
        let (name, bytes) = if kind < 40 {
            (format!("{i:06}.txt"), text_page(&p).into_bytes())
        } else {
            let style = kind % 3;
            let gbk = kind >= 90; // 10% of all pages
            let html = html_page(&p, style, gbk);
            let bytes = if gbk { encoding_rs::GBK.encode(&html).0.into_owned() } else { html.into_bytes() };
            (format!("{i:06}.html"), bytes)
        };
        std::fs::write(folder.join(&name), &bytes)?;
        file_bytes += bytes.len() as u64;
        let mut body = p.intro.clone();
        for (q, a) in &p.sections {
            body.push('\n');
            body.push_str(q);
            body.push('\n');
            body.push_str(a);
        }
        text_bytes += (p.title.len() + body.len()) as u64;
        let line = serde_json::json!({ "id": format!("{i:06}"), "title": p.title, "body": body });
        writeln!(jsonl, "{line}")?;
    }
    jsonl.flush()?;
    eprintln!(
        "wrote {} pages to {} ({:.1} MB of files, {:.1} MB of article text, {:.0} characters per article on average)",
        args.count,
        args.out.join("pages").display(),
        file_bytes as f64 / 1e6,
        text_bytes as f64 / 1e6,
        text_bytes as f64 / 3.0 / args.count.max(1) as f64
    );
    Ok(())
}

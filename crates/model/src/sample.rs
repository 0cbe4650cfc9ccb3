//! Sample data (样例数据) generated from a domain model, for the prototype player: for each
//! entity, rows whose values fit each attribute's type and name — plausible Chinese and
//! English person names, mobile numbers (`1[3-9]` and nine digits), ID-card numbers with a
//! valid check digit, amounts, dates, enumeration values, references to rows of other
//! entities, value objects nested in place.
//!
//! Deterministic: the same model, seed and row count give the same rows (ChaCha8 seeded per
//! entity from the seed and the entity's id, so that adding an entity changes no other
//! entity's rows). Values are keyed by attribute id, so a renamed attribute keeps its values.

use std::collections::BTreeMap;

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::domain::{Attribute, DataType, DomainElement, DomainModel, ElementKind};

/// A sample value: text (dates as `YYYY-MM-DD`, date-times as `YYYY-MM-DDTHH:MM:SS`,
/// enumeration values and references to rows by row id), a number, a yes/no, a list, or a
/// value object (its attributes by id).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum SampleValue {
    Bool(bool),
    Number(f64),
    Text(String),
    List(Vec<SampleValue>),
    Object(BTreeMap<String, SampleValue>),
}

/// One row of an entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SampleRow {
    /// `<entity id>#<n>`, what references to the row hold.
    pub id: String,
    /// By attribute id; an optional attribute may have no value.
    pub values: BTreeMap<String, SampleValue>,
}

/// The rows of one entity of one domain model document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SampleTable {
    pub document: String,
    pub entity: String,
    pub rows: Vec<SampleRow>,
}

/// Rows for every entity of `model` (`rows` each), from `seed`. `document` is the domain
/// model's document id, written into each table.
pub fn generate(document: &str, model: &DomainModel, rows: usize, seed: u64) -> Vec<SampleTable> {
    let elements: BTreeMap<&str, &DomainElement> =
        model.elements.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut by_owner: BTreeMap<&str, Vec<&Attribute>> = BTreeMap::new();
    for a in &model.attributes {
        by_owner.entry(a.owner.as_str()).or_default().push(a);
    }
    let g = Gen {
        elements: &elements,
        attributes: &by_owner,
        rows,
    };
    model
        .elements
        .iter()
        .filter(|e| e.kind == ElementKind::Entity)
        .map(|e| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ fnv(&e.id));
            SampleTable {
                document: document.to_string(),
                entity: e.id.clone(),
                rows: (1..=rows)
                    .map(|n| SampleRow {
                        id: row_id(&e.id, n),
                        values: g.values(&mut rng, e, n, 0),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The id of row `n` (from 1) of `entity`.
pub fn row_id(entity: &str, n: usize) -> String {
    format!("{entity}#{n}")
}

/// FNV-1a, a stable hash (std's is not stable across builds).
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

struct Gen<'a> {
    elements: &'a BTreeMap<&'a str, &'a DomainElement>,
    attributes: &'a BTreeMap<&'a str, Vec<&'a Attribute>>,
    rows: usize,
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "高", "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "晨", "子涵", "浩然", "一鸣", "思远", "欣怡",
];
const FIRST_NAMES: &[&str] = &[
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Sophia", "Mason",
    "Isabella", "James", "Grace", "Henry", "Chloe", "Daniel",
];
const LAST_NAMES: &[&str] = &[
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Roberts",
    "Walker", "Wright", "Green", "Hall", "Wood",
];
const PROVINCES: &[&str] = &[
    "北京市",
    "上海市",
    "广东省",
    "浙江省",
    "江苏省",
    "四川省",
    "湖北省",
    "山东省",
];
const CITIES: &[&str] = &[
    "北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "青岛", "苏州",
];
const STREETS: &[&str] = &[
    "人民路",
    "中山路",
    "解放路",
    "建设路",
    "和平路",
    "新华路",
    "长江路",
    "科技园路",
];
const DEPARTMENTS: &[&str] = &[
    "零售银行部",
    "财富管理部",
    "客户服务中心",
    "网点运营部",
    "数字银行部",
];
const TAGS: &[&str] = &[
    "高净值",
    "新客",
    "理财偏好",
    "稳健型",
    "活跃",
    "沉睡唤醒",
    "代发工资",
    "信用卡用户",
];
const CAMPAIGNS: &[&str] = &[
    "新春理财节",
    "开门红",
    "周年庆回馈",
    "养老金专场",
    "亲子理财课",
    "会员日",
];
const PRODUCTS: &[&str] = &[
    "稳享 90 天",
    "安心定投",
    "月月盈",
    "养老 2035",
    "现金宝",
    "成长精选",
];
const GROUPS: &[&str] = &[
    "理财交流群",
    "新客福利群",
    "VIP 专属群",
    "社区邻里群",
    "会员活动群",
];
const WORDS: &[&str] = &[
    "欢迎关注",
    "本周精选",
    "限时福利",
    "专属顾问为您服务",
    "点击了解详情",
    "活动即将开始",
];

impl Gen<'_> {
    fn values(
        &self,
        rng: &mut ChaCha8Rng,
        e: &DomainElement,
        n: usize,
        depth: usize,
    ) -> BTreeMap<String, SampleValue> {
        let mut out = BTreeMap::new();
        let Some(attrs) = self.attributes.get(e.id.as_str()) else {
            return out;
        };
        // One person per row: the name and the English name agree on who it is.
        let person = Person::new(rng);
        for a in attrs {
            // An optional attribute is left empty now and then, as real data is.
            if !a.required && !a.identifier && rng.random_bool(0.1) {
                continue;
            }
            let v = if a.list {
                let count = rng.random_range(1..=3);
                SampleValue::List(
                    (0..count)
                        .filter_map(|i| self.value(rng, e, a, n + i, depth, &person))
                        .collect(),
                )
            } else {
                match self.value(rng, e, a, n, depth, &person) {
                    Some(v) => v,
                    None => continue,
                }
            };
            out.insert(a.id.clone(), v);
        }
        out
    }

    fn value(
        &self,
        rng: &mut ChaCha8Rng,
        e: &DomainElement,
        a: &Attribute,
        n: usize,
        depth: usize,
        person: &Person,
    ) -> Option<SampleValue> {
        let name = a.name.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
        Some(match a.data_type {
            DataType::Text if a.identifier => SampleValue::Text(identifier(e, a, n)),
            DataType::Text => SampleValue::Text(self.text(rng, e, a, n, person)),
            DataType::Integer => SampleValue::Number(if has(&["序号", "no", "order", "序"]) {
                n as f64
            } else if has(&["天", "day"]) {
                rng.random_range(0..=30) as f64
            } else if has(&["年龄", "age"]) {
                rng.random_range(18..=70) as f64
            } else if has(&["人数", "数", "count", "size", "quantity", "数量"]) {
                rng.random_range(3..=500) as f64
            } else {
                rng.random_range(1..=100) as f64
            }),
            DataType::Decimal => SampleValue::Number(if has(&["率", "rate", "ratio"]) {
                cents(rng.random_range(1.0..12.0)) / 100.0
            } else {
                cents(rng.random_range(0.0..1000.0))
            }),
            DataType::Money => SampleValue::Number(if has(&["预算", "budget"]) {
                (rng.random_range(10..=500) * 1000) as f64
            } else {
                cents(rng.random_range(100.0..100_000.0))
            }),
            DataType::Date => SampleValue::Text(date(rng, has(&["生日", "出生", "birth"]))),
            DataType::DateTime => {
                let d = date(rng, false);
                SampleValue::Text(format!(
                    "{d}T{:02}:{:02}:{:02}",
                    rng.random_range(8..=21),
                    rng.random_range(0..60),
                    rng.random_range(0..60)
                ))
            }
            DataType::Boolean => SampleValue::Bool(rng.random_bool(0.5)),
            DataType::Enumeration => {
                let target = a.target.as_deref().and_then(|t| self.elements.get(t))?;
                SampleValue::Text(target.values.choose(rng)?.clone())
            }
            DataType::Reference => {
                let target = a.target.as_deref().and_then(|t| self.elements.get(t))?;
                match target.kind {
                    ElementKind::Entity if self.rows > 0 => {
                        SampleValue::Text(row_id(&target.id, rng.random_range(1..=self.rows)))
                    }
                    // A value object is held in place; a cycle of them stops at depth 3.
                    ElementKind::ValueObject if depth < 3 => {
                        SampleValue::Object(self.values(rng, target, n, depth + 1))
                    }
                    _ => return None,
                }
            }
        })
    }

    fn text(
        &self,
        rng: &mut ChaCha8Rng,
        e: &DomainElement,
        a: &Attribute,
        n: usize,
        person: &Person,
    ) -> String {
        let name = a.name.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
        let english = !a.name.chars().any(is_cjk);
        let entity = e.name.to_lowercase();
        let entity_has = |words: &[&str]| words.iter().any(|w| entity.contains(w));
        if has(&["手机", "电话", "mobile", "phone", "tel"]) {
            format!(
                "1{}{:09}",
                rng.random_range(3..=9),
                rng.random_range(0..1_000_000_000u32)
            )
        } else if has(&["邮箱", "email", "mail"]) {
            format!("{}{n}@example.com", person.first.to_lowercase())
        } else if has(&["身份证", "证件", "idno", "idnumber", "id number", "id card"]) {
            id_card(rng)
        } else if has(&["省", "province"]) {
            PROVINCES
                .choose(rng)
                .map_or_else(String::new, |s| s.to_string())
        } else if has(&["城市", "市", "city"]) {
            CITIES
                .choose(rng)
                .map_or_else(String::new, |s| s.to_string())
        } else if has(&["地址", "address", "street"]) {
            format!(
                "{}{}{}号",
                CITIES.choose(rng).copied().unwrap_or(""),
                STREETS.choose(rng).copied().unwrap_or(""),
                rng.random_range(1..=999)
            )
        } else if has(&["部门", "department", "dept"]) {
            DEPARTMENTS
                .choose(rng)
                .map_or_else(String::new, |s| s.to_string())
        } else if has(&["代码", "code"]) {
            format!(
                "{}{:04}",
                ["FP", "LC", "DT", "YL"].choose(rng).copied().unwrap_or("P"),
                rng.random_range(0..10_000)
            )
        } else if has(&[
            "姓名",
            "名字",
            "联系人",
            "群主",
            "客户名",
            "fullname",
            "full name",
            "first name",
            "person",
            "contact",
        ]) || name == "name"
            && entity_has(&["customer", "member", "person", "user", "客户", "成员"])
        {
            if english {
                person.english()
            } else {
                person.chinese()
            }
        } else if has(&["名称", "标题", "title", "name"]) {
            let pick = |list: &[&str], rng: &mut ChaCha8Rng| {
                list.choose(rng).map_or_else(String::new, |s| s.to_string())
            };
            if entity_has(&["标签", "tag"]) {
                pick(TAGS, rng)
            } else if entity_has(&["活动", "campaign"]) {
                pick(CAMPAIGNS, rng)
            } else if entity_has(&["产品", "product"]) {
                pick(PRODUCTS, rng)
            } else if entity_has(&["群", "group"]) {
                pick(GROUPS, rng)
            } else {
                format!("{} {n}", e.name)
            }
        } else if has(&["类别", "类型", "分类", "category", "type"]) {
            ["A 类", "B 类", "C 类"]
                .choose(rng)
                .map_or_else(String::new, |s| s.to_string())
        } else if english {
            format!("{} {n}", a.name)
        } else {
            WORDS
                .choose(rng)
                .map_or_else(String::new, |s| s.to_string())
        }
    }
}

/// A person: a Chinese and an English name.
struct Person {
    surname: &'static str,
    given: &'static str,
    first: &'static str,
    last: &'static str,
}

impl Person {
    fn new(rng: &mut ChaCha8Rng) -> Person {
        Person {
            surname: SURNAMES.choose(rng).copied().unwrap_or("王"),
            given: GIVEN.choose(rng).copied().unwrap_or("伟"),
            first: FIRST_NAMES.choose(rng).copied().unwrap_or("Olivia"),
            last: LAST_NAMES.choose(rng).copied().unwrap_or("Smith"),
        }
    }

    fn chinese(&self) -> String {
        format!("{}{}", self.surname, self.given)
    }

    fn english(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// An identifier: a prefix from the attribute's or entity's Latin letters (else "ID") and
/// the row number.
fn identifier(e: &DomainElement, a: &Attribute, n: usize) -> String {
    let letters: String = a
        .name
        .chars()
        .chain(e.name.chars())
        .filter(|c| c.is_ascii_alphabetic())
        .take(3)
        .collect::<String>()
        .to_uppercase();
    let prefix = if letters.is_empty() {
        "ID".into()
    } else {
        letters
    };
    format!("{prefix}{:06}", 100_000 + n)
}

fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// A date in 2026 (or, for birthdays, between 1960 and 2005), as `YYYY-MM-DD`.
fn date(rng: &mut ChaCha8Rng, birthday: bool) -> String {
    let (y, m) = if birthday {
        (rng.random_range(1960..=2005), rng.random_range(1..=12))
    } else {
        (2026, rng.random_range(1..=12))
    };
    let days = match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    format!("{y:04}-{m:02}-{:02}", rng.random_range(1..=days))
}

/// An 18-digit resident ID-card number with a valid ISO 7064 check digit.
fn id_card(rng: &mut ChaCha8Rng) -> String {
    let area = ["110101", "310104", "440305", "330106", "510107"]
        .choose(rng)
        .copied()
        .unwrap_or("110101");
    let birth = date(rng, true).replace('-', "");
    let body = format!("{area}{birth}{:03}", rng.random_range(0..1000));
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = body
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    format!("{body}{}", C[(sum % 11) as usize])
}

//! A person's name where a value was due. A shifted row puts the woman's name in the date or
//! the 身份证查验 column, and the finding that says the value is invalid must not print it. A
//! run of two or three Chinese characters starting with a common surname (four after a
//! two-character surname) is taken for a name and masked like one. Words of a ledger rarely
//! take that shape; a lapse the other way would print a name, so the list errs on the long side.

use std::borrow::Cow;

/// Common single-character surnames: well over nine in ten people in China bear one of them.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝";

/// Two-character surnames, after which a name runs to four characters.
const COMPOUND: [&str; 12] = [
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "司徒", "夏侯", "令狐",
];

fn is_han(c: char) -> bool {
    matches!(u32::from(c), 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Whether a run of Chinese characters has the shape of a name.
fn looks_like_name(run: &[char]) -> bool {
    let Some(first) = run.first() else {
        return false;
    };
    let compound = run.len() >= 3
        && COMPOUND
            .iter()
            .any(|s| s.chars().eq(run[..2].iter().copied()));
    match run.len() {
        2 | 3 => SURNAMES.contains(*first) || compound,
        4 => compound,
        _ => false,
    }
}

/// `text` with every run of Chinese characters shaped like a name masked (阮秋菊 → 阮**); a
/// two-character surname keeps both characters. Borrowed when there is none.
pub fn mask_likely_names(text: &str) -> Cow<'_, str> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Option<String> = None;
    let mut i = 0;
    while i < chars.len() {
        if !is_han(chars[i]) {
            if let Some(o) = out.as_mut() {
                o.push(chars[i]);
            }
            i += 1;
            continue;
        }
        let end = chars[i..]
            .iter()
            .position(|c| !is_han(*c))
            .map_or(chars.len(), |n| i + n);
        let run = &chars[i..end];
        if looks_like_name(run) {
            let o = out.get_or_insert_with(|| chars[..i].iter().collect());
            let kept = if COMPOUND
                .iter()
                .any(|s| s.chars().eq(run[..2].iter().copied()))
            {
                2
            } else {
                1
            };
            o.extend(&run[..kept]);
            o.extend(std::iter::repeat_n('*', run.len() - kept));
        } else if let Some(o) = out.as_mut() {
            o.extend(run);
        }
        i = end;
    }
    out.map_or(Cow::Borrowed(text), Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_shaped_like_names_are_masked() {
        assert_eq!(mask_likely_names("阮秋菊"), "阮**");
        assert_eq!(mask_likely_names("柏雪莲 2026.10.5"), "柏** 2026.10.5");
        assert_eq!(mask_likely_names("欧阳娜娜"), "欧阳**");
        assert_eq!(mask_likely_names("王芳/李静"), "王*/李*");
    }

    #[test]
    fn words_of_a_ledger_are_left_as_written() {
        for text in [
            "已备案",
            "未备案",
            "2024-02-30",
            "三月五日",
            "宫内早孕单活胎",
            "待定",
            "十六周",
            "",
        ] {
            assert_eq!(mask_likely_names(text), text, "{text}");
        }
    }
}

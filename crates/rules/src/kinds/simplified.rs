//! Traditional characters read as their simplified forms where names are compared. A clerk in
//! a hospital whose system types traditional characters (or a name copied from a Hong Kong or
//! Taiwan document) writes 王強 where the staff registry has 王强, and 陳麗 where the exam
//! register has 陈丽: the same person. Only characters common in personal and institution
//! names are listed; any other character is compared as written.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Pairs of (traditional, simplified), one after the other.
const PAIRS: &str = "\
張张陳陈劉刘楊杨黃黄趙赵吳吴孫孙馬马羅罗鄭郑謝谢許许韓韩馮冯鄧邓蕭萧蔣蒋葉叶蘇苏呂吕盧卢\
鍾钟譚谭陸陆範范賈贾韋韦鄒邹閻阎龍龙賀贺顧顾龔龚萬万錢钱嚴严湯汤歐欧魯鲁鄔邬駱骆聶聂鄺邝\
喬乔溫温莊庄關关單单藍蓝華华遲迟畢毕紀纪寧宁衛卫龐庞項项閆闫\
強强偉伟麗丽紅红軍军傑杰濤涛鵬鹏飛飞輝辉靜静鳳凤蘭兰蓮莲愛爱榮荣興兴勝胜義义寶宝慶庆嬌娇\
剛刚學学進进長长書书艷艳豔艳潔洁瑩莹婭娅鳴鸣錦锦銘铭鋒锋嶺岭億亿國国東东雲云貴贵廣广陽阳\
穎颖燦灿煒炜曉晓倫伦順顺樂乐維维綺绮緒绪詩诗語语誠诚謙谦賢贤聰聪軒轩遠远鈺钰銀银鐵铁韻韵\
頌颂風风鴻鸿鶴鹤齊齐濱滨瀅滢澤泽潤润漢汉滿满淵渊紹绍綠绿絲丝園园圓圆團团夢梦帥帅彥彦憶忆\
懷怀揚扬時时楓枫標标權权歡欢歲岁為为爾尔環环瑤瑶碩硕禮礼祿禄穩稳競竞節节簡简紋纹納纳純纯\
經经緣缘練练繼继習习聖圣聲声臨临舉举蓋盖號号裝装親亲覺觉觀观記记詠咏誼谊諾诺護护讓让豐丰\
貞贞財财賓宾輕轻農农連连達达運运選选邊边鄉乡釗钊鈞钧鍵键開开閣阁隊队隨随雙双電电靈灵頤颐\
顏颜騰腾鮮鲜鶯莺麥麦齡龄驍骁驊骅瑋玮琿珲璽玺蕓芸薈荟薇薇蕾蕾嵐岚巖岩峯峰碧碧\
醫医縣县區区鎮镇診诊營营藥药廠厂業业計计劃划婦妇屬属療疗機机構构門门證证師师腫肿館馆廳厅\
處处會会總总體体檢检驗验術术產产兒儿與与發发濟济灣湾臺台遼辽陝陕閩闽贛赣粵粤瓊琼晉晋滬沪";

/// The CJK block the listed traditional characters are in, one bit each: whether a character
/// is listed is told by one bit, so a name of simplified characters costs no lookup.
const BLOCK: std::ops::RangeInclusive<u32> = 0x4E00..=0x9FFF;

static LISTED: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut bits = vec![0u64; (BLOCK.end() - BLOCK.start()) as usize / 64 + 1];
    for c in MAP.keys() {
        if let Some(i) = u32::from(*c).checked_sub(*BLOCK.start()) {
            bits[i as usize / 64] |= 1 << (i % 64);
        }
    }
    bits
});

fn listed(c: char) -> bool {
    let code = u32::from(c);
    BLOCK.contains(&code) && {
        let i = (code - BLOCK.start()) as usize;
        LISTED.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

/// Whether `s` has a traditional character of the list.
pub(crate) fn has_traditional(s: &str) -> bool {
    s.chars().any(listed)
}

static MAP: LazyLock<HashMap<char, char>> = LazyLock::new(|| {
    let chars: Vec<char> = PAIRS.chars().collect();
    chars
        .chunks_exact(2)
        .filter(|p| p[0] != p[1])
        .map(|p| (p[0], p[1]))
        .collect()
});

/// `c` in its simplified form, when it is a traditional character of the list.
pub(crate) fn simplified(c: char) -> char {
    if !listed(c) {
        return c;
    }
    MAP.get(&c).copied().unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_names_read_as_simplified() {
        let fold = |s: &str| s.chars().map(simplified).collect::<String>();
        assert_eq!(fold("王強"), "王强");
        assert_eq!(fold("陳麗華"), "陈丽华");
        assert_eq!(fold("青山縣婦幼保健院"), "青山县妇幼保健院");
        assert_eq!(fold("王强 Wang"), "王强 Wang");
        assert!(has_traditional("王強") && !has_traditional("王强 Wang"));
    }

    #[test]
    fn the_list_is_pairs_of_one_character_each() {
        assert_eq!(PAIRS.chars().count() % 2, 0);
        // Each traditional character maps to one simplified form.
        let chars: Vec<char> = PAIRS.chars().collect();
        for p in chars.chunks_exact(2) {
            if let Some(s) = MAP.get(&p[0]) {
                assert_eq!(*s, p[1], "{}", p[0]);
            }
            // A pair out of step would map a simplified character onwards.
            assert!(!MAP.contains_key(&p[1]), "{}{} is out of step", p[0], p[1]);
        }
    }
}

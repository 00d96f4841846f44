//! Near-duplicate fingerprints: a 128-bit SimHash over the overlapping four-character shingles
//! of an article's normalised letters and digits. Reposts of one text, and templated copies that
//! differ in a few characters (another city's name, another date), land within a few bits of each
//! other; different articles land about 64 bits apart.

use crate::analysis::is_letter_or_digit;
use crate::analysis::normalize::for_each_normalized_char;

/// Fingerprints at most this many bits (of 128) apart are near-duplicates. Measured: a 230- and a
/// 470-character answer whose city name was swapped in a few places land 5 and 9 bits away (the
/// tests below); 3,000 distinct pages drawn from one small pool of sentences (the worst case of a
/// templated site) were never closer than 22 bits in 4.5 million pairs, most 40–64 apart. With a
/// single 64-bit hash, 373 of 8,000 such pages had folded wrongly at a threshold of 10.
pub const NEAR: u32 = 16;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The SimHash of `text`, as two 64-bit halves.
pub fn simhash(text: &str) -> [u64; 2] {
    let mut votes = Votes::default();
    for_each_normalized_char(text, |c| {
        if is_letter_or_digit(c) {
            votes.push(u64::from(c));
        }
    });
    votes.finish()
}

/// The windows' votes so far. Each window votes for the bits of its two hashes. Ones are
/// counted eight bits at a time: SPREAD puts a byte's bits into the eight byte lanes of a u64,
/// so one addition counts a byte of the hash; the lanes are emptied into the totals before they
/// can overflow.
#[derive(Default)]
struct Votes {
    /// The last four characters, oldest first.
    w: [u64; 4],
    /// Characters seen (counting stops at four).
    seen: usize,
    windows: u32,
    lanes: [u64; 16],
    pending: u32,
    ones: Vec<u32>,
}

impl Votes {
    fn push(&mut self, c: u64) {
        self.w = [self.w[1], self.w[2], self.w[3], c];
        if self.seen < 4 {
            self.seen += 1;
            if self.seen < 4 {
                return;
            }
        }
        let w = self.w;
        let h0 = mix((w[0] << 42) ^ (w[1] << 21) ^ w[2] ^ w[3].rotate_right(11));
        let h1 = mix(h0 ^ 0x9E37_79B9_7F4A_7C15);
        for (k, lane) in self.lanes.iter_mut().enumerate() {
            let h = if k < 8 { h0 } else { h1 };
            *lane += SPREAD[((h >> (8 * (k % 8))) & 0xFF) as usize];
        }
        self.windows += 1;
        self.pending += 1;
        if self.pending == 255 {
            self.empty();
        }
    }

    /// Adds the byte-lane counts to the per-bit totals and clears them.
    fn empty(&mut self) {
        self.ones.resize(128, 0);
        for (k, lane) in self.lanes.iter_mut().enumerate() {
            for i in 0..8 {
                self.ones[8 * k + i] += ((*lane >> (8 * i)) & 0xFF) as u32;
            }
            *lane = 0;
        }
        self.pending = 0;
    }

    fn finish(mut self) -> [u64; 2] {
        if self.seen < 4 {
            // too short for a window: a hash of the characters themselves
            let chars = &self.w[4 - self.seen..];
            let h = mix(chars.iter().fold(0u64, |a, &c| a.rotate_left(21) ^ c));
            return [h, mix(h)];
        }
        self.empty();
        // a bit is set when more windows voted for it than against it
        let mut halves = [0u64; 2];
        for (bit, &n) in self.ones.iter().enumerate() {
            if 2 * n > self.windows {
                halves[bit / 64] |= 1 << (bit % 64);
            }
        }
        halves
    }
}

/// For each byte value, a u64 whose byte lane `i` holds bit `i` of the value.
const SPREAD: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut i = 0;
        while i < 8 {
            t[b] |= ((b as u64 >> i) & 1) << (8 * i);
            i += 1;
        }
        b += 1;
    }
    t
};

/// Bits in which two fingerprints differ.
pub fn distance(a: [u64; 2], b: [u64; 2]) -> u32 {
    (a[0] ^ b[0]).count_ones() + (a[1] ^ b[1]).count_ones()
}

/// A fingerprint's eight 16-bit bands, each tagged with its place (`place << 16 | bits`).
/// Near-duplicates are looked for only among fingerprints that share a band: that lookup costs
/// the same whatever the number of answers. Of two fingerprints 9 bits apart (reposts, a city
/// name swapped) 99% share a band; 12 bits apart, 88%; 16 bits apart, 63%.
pub fn bands(h: [u64; 2]) -> [u32; 8] {
    std::array::from_fn(|i| ((i as u32) << 16) | ((h[i / 4] >> (16 * (i % 4))) & 0xffff) as u32)
}

/// Whether two fingerprints are of near-duplicate texts: at most [`NEAR`] bits apart, and one of
/// their [`bands`] the same.
pub fn near(a: [u64; 2], b: [u64; 2]) -> bool {
    distance(a, b) <= NEAR && bands(a).iter().zip(bands(b)).any(|(x, y)| *x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "医保参保地的变更可通过线上或线下方式办理。线上办理：下载并登录医保服务平台APP，点击首页医疗保险电子凭证，进入详情页后选择参保地，切换至目标参保地。若原参保地未停保，需先通过APP或联系原参保地医疗保险部门办理停保手续。线下办理：携带身份证、户口簿或居住证原件及复印件，前往新参保地医保经办机构提交材料，工作人员审核后办理变更手续。";

    #[test]
    fn reposts_and_templated_copies_are_near_other_texts_are_not() {
        let a = simhash(&format!("青海海东医保参保地怎么变更\n{TEXT}"));
        assert_eq!(a, simhash(&format!("青海海东医保参保地怎么变更\n{TEXT}")));
        let long = format!("青海海东医保参保地怎么变更\n{TEXT}{}", TEXT.replace("线上", "网上"));
        let a2 = simhash(&long);
        let templated = simhash(&long.replace("青海海东", "湖南益阳").replace("医保服务平台", "益阳医保服务平台"));
        assert!(near(a2, templated), "{} bits apart", distance(a2, templated));
        let templated = simhash(&format!("湖南益阳医保参保地怎么变更\n{TEXT}"));
        assert!(near(a, templated), "{} bits apart", distance(a, templated));
        let full_width = simhash(&format!("青海海东医保参保地怎么变更\n{}", TEXT.replace("APP", "ＡＰＰ")));
        assert!(near(a, full_width));
        let other = simhash(
            "医保卡余额存在年度支付上限，但日常消费无明确限制。年度支付限额：医保卡在一个医疗年度内，基本医疗保险统筹基金支付的总费用存在上限。超过该限额的部分需自付，职工医保单位通常承担超额费用。门诊看病、药店购药等日常消费，医保账户余额可无限使用，直至账户耗尽。",
        );
        assert!(distance(a, other) > 2 * NEAR, "{} bits apart", distance(a, other));
        assert_ne!(simhash("短"), simhash("文"));
    }

    /// The fingerprint as first written (a vector of the characters, then its windows):
    /// fingerprints are stored in indexes, so the streaming version must give the same bits.
    fn reference(text: &str) -> [u64; 2] {
        use crate::analysis::{Normalizer, normalize::Normalized};
        let normalized = Normalized::new(text, Normalizer::default());
        let chars: Vec<u64> = normalized.text().chars().filter(|c| c.is_alphanumeric()).map(u64::from).collect();
        if chars.len() < 4 {
            let h = mix(chars.iter().fold(0u64, |a, &c| a.rotate_left(21) ^ c));
            return [h, mix(h)];
        }
        let mut votes = [[0i32; 64]; 2];
        for w in chars.windows(4) {
            let h0 = mix((w[0] << 42) ^ (w[1] << 21) ^ w[2] ^ w[3].rotate_right(11));
            let h1 = mix(h0 ^ 0x9E37_79B9_7F4A_7C15);
            for (votes, h) in votes.iter_mut().zip([h0, h1]) {
                for (bit, v) in votes.iter_mut().enumerate() {
                    *v += ((h >> bit) & 1) as i32 * 2 - 1;
                }
            }
        }
        votes
            .map(|half| half.iter().enumerate().fold(0u64, |acc, (bit, &v)| if v > 0 { acc | (1 << bit) } else { acc }))
    }

    #[test]
    fn same_bits_as_the_first_version() {
        let long = TEXT.repeat(3); // more windows than a byte lane holds
        for t in ["", "短", "医保", "医保卡", "医保卡丢", "醫保卡遺失，ＡＰＰ補辦！", "a,b,c,d,e", TEXT, &long]
        {
            assert_eq!(simhash(t), reference(t), "{t}");
        }
    }
}

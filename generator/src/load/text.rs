//! A document file's bytes as text. YAML may be written in UTF-8, UTF-16 or UTF-32 (told apart by a byte-order mark
//! or, without one, by where the first character's zero bytes fall, as YAML 1.2 and RFC 4627 describe), and
//! published documents are sometimes saved by Windows tools with a stray Windows-1252 byte (`é`, a curly quote) in a
//! description. A byte that is not UTF-8 is a local defect, not a reason to refuse the document: it is read as the
//! Windows-1252 character it most likely is, and reported.

/// A file's text and, when some of its bytes were not UTF-8, how many and where the first was.
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// Bytes read as Windows-1252 because they are not UTF-8: how many, and the 1-based line and column of the first.
    pub stray_bytes: Option<(usize, (usize, usize))>,
}

/// Decodes `bytes` as UTF-32 or UTF-16 when a byte-order mark or the zero bytes of the first character say so,
/// else as UTF-8 with stray bytes read as Windows-1252.
pub fn decode(bytes: Vec<u8>) -> Decoded {
    match wide_encoding(&bytes) {
        Some(encoding) => Decoded { text: decode_wide(&bytes, encoding), stray_bytes: None },
        None => decode_utf8(bytes),
    }
}

/// A byte order and width other than UTF-8's.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

/// The encoding the start of `bytes` shows, if it is not UTF-8 (the first character of a document is ASCII).
fn wide_encoding(bytes: &[u8]) -> Option<Wide> {
    match bytes {
        [0, 0, 0xFE, 0xFF, ..] => Some(Wide::Utf32Be),
        [0xFF, 0xFE, 0, 0, ..] => Some(Wide::Utf32Le),
        [0xFE, 0xFF, ..] => Some(Wide::Utf16Be),
        [0xFF, 0xFE, ..] => Some(Wide::Utf16Le),
        [0, 0, 0, first, ..] if *first != 0 => Some(Wide::Utf32Be),
        [first, 0, 0, 0, ..] if *first != 0 => Some(Wide::Utf32Le),
        [0, first, ..] if *first != 0 => Some(Wide::Utf16Be),
        [first, 0, ..] if *first != 0 => Some(Wide::Utf16Le),
        _ => None,
    }
}

/// Decodes UTF-16 or UTF-32 text; a unit that is not a character (a lone surrogate, a value past U+10FFFF, an odd
/// trailing byte) becomes U+FFFD. The byte-order mark, if any, is dropped.
fn decode_wide(bytes: &[u8], encoding: Wide) -> String {
    let text: String = match encoding {
        Wide::Utf16Le | Wide::Utf16Be => {
            let units = bytes.chunks(2).map(|pair| match (pair, encoding) {
                ([low, high], Wide::Utf16Le) => u16::from_le_bytes([*low, *high]),
                ([high, low], _) => u16::from_be_bytes([*high, *low]),
                _ => 0xFFFD,
            });
            char::decode_utf16(units).map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
        }
        Wide::Utf32Le | Wide::Utf32Be => bytes
            .chunks(4)
            .map(|quad| {
                let unit = match (<[u8; 4]>::try_from(quad), encoding) {
                    (Ok(quad), Wide::Utf32Le) => u32::from_le_bytes(quad),
                    (Ok(quad), _) => u32::from_be_bytes(quad),
                    (Err(_), _) => 0xFFFD,
                };
                char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER)
            })
            .collect(),
    };
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

/// Decodes UTF-8 (dropping a byte-order mark), reading each byte that does not belong to a UTF-8 character as
/// Windows-1252.
fn decode_utf8(bytes: Vec<u8>) -> Decoded {
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Decoded { text: without_bom(text), stray_bytes: None },
        Err(error) => error.into_bytes(),
    };
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut rest = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let (mut stray, mut first) = (0, None);
    loop {
        let error = match std::str::from_utf8(rest) {
            Ok(valid) => {
                text.push_str(valid);
                break;
            }
            Err(error) => error,
        };
        let (valid, after) = rest.split_at(error.valid_up_to());
        text.push_str(std::str::from_utf8(valid).unwrap_or_default());
        first.get_or_insert(text.len());
        let invalid = error.error_len().unwrap_or(after.len());
        text.extend(after[..invalid].iter().map(|&byte| windows_1252(byte)));
        stray += invalid;
        rest = &after[invalid..];
    }
    let stray_bytes = first.map(|offset| (stray, line_and_column(&text, offset)));
    Decoded { text, stray_bytes }
}

/// `text` without the byte-order mark some Windows tools write at the start of UTF-8.
fn without_bom(mut text: String) -> String {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    text
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// The Windows-1252 character of a byte (its five unassigned bytes, and every byte below 0x80, as Latin-1).
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_read_as_it_is_without_its_byte_order_mark() {
        let decoded = decode("\u{feff}openapi: 3.0.3 # café\n".as_bytes().to_vec());
        assert_eq!(decoded.text, "openapi: 3.0.3 # café\n");
        assert!(decoded.stray_bytes.is_none());
    }

    #[test]
    fn stray_windows_1252_bytes_are_read_as_their_characters_and_the_first_is_placed() {
        let mut bytes = b"openapi: 3.0.3\ndescription: caf".to_vec();
        bytes.extend([0xE9, b' ', 0x93, b'q', 0x94, b' ', 0xE2, 0x82, 0xAC, b'\n']);
        let decoded = decode(bytes);
        assert_eq!(decoded.text, "openapi: 3.0.3\ndescription: café “q” €\n");
        assert_eq!(decoded.stray_bytes, Some((3, (2, 17))));
    }

    #[test]
    fn a_truncated_character_at_the_end_is_read_byte_by_byte() {
        let decoded = decode(vec![b'a', 0xE2, 0x82]);
        assert_eq!(decoded.text, "aâ\u{201a}");
        assert_eq!(decoded.stray_bytes, Some((2, (1, 2))));
    }

    #[test]
    fn utf16_and_utf32_are_told_by_their_marks_or_their_zero_bytes() {
        let text = "openapi: 3.0.3 # café 🦀\n";
        let utf16le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let utf16be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let utf32le: Vec<u8> = text.chars().flat_map(|c| u32::from(c).to_le_bytes()).collect();
        let utf32be: Vec<u8> = text.chars().flat_map(|c| u32::from(c).to_be_bytes()).collect();
        for (name, bytes, mark) in [
            ("UTF-16LE", utf16le, vec![0xFF, 0xFE]),
            ("UTF-16BE", utf16be, vec![0xFE, 0xFF]),
            ("UTF-32LE", utf32le, vec![0xFF, 0xFE, 0, 0]),
            ("UTF-32BE", utf32be, vec![0, 0, 0xFE, 0xFF]),
        ] {
            assert_eq!(decode(bytes.clone()).text, text, "{name} without a mark");
            let marked: Vec<u8> = mark.into_iter().chain(bytes).collect();
            let decoded = decode(marked);
            assert_eq!(decoded.text, text, "{name} with a mark");
            assert!(decoded.stray_bytes.is_none(), "{name}");
        }
    }

    #[test]
    fn broken_wide_text_is_read_with_replacement_characters() {
        assert_eq!(decode(vec![0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0, b'c']).text, "a\u{fffd}b\u{fffd}");
    }
}

//! Rows of the CSV files Tomar hands out, safe in the spreadsheet that opens them: every
//! cell is quoted, and a cell a spreadsheet would take for a formula (one beginning with
//! `=`, `+`, `-`, `@`, a tab or a carriage return) starts with an apostrophe instead, as
//! OWASP advises against CSV injection.

/// What a file starts with so that spreadsheet programs read it as UTF-8 (Persian).
pub const BOM: &str = "\u{feff}";

/// One line of the file: the cells quoted, separated by commas, ending in CRLF (RFC 4180).
pub fn row<S: AsRef<str>>(cells: &[S]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| cell(c.as_ref())).collect();
    cells.join(",") + "\r\n"
}

fn cell(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let text = text.replace('"', "\"\"");
    match formula {
        true => format!("\"'{text}\""),
        false => format!("\"{text}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(
            row(&["1", "سارا", "1405/09/10"]),
            "\"1\",\"سارا\",\"1405/09/10\"\r\n"
        );
        assert_eq!(row(&["a \"b\", c"]), "\"a \"\"b\"\", c\"\r\n");
        for formula in ["=HYPERLINK(\"x\")", "+98", "-1", "@SUM(A1)", "\tx", "\rx"] {
            let line = row(&[formula]);
            assert!(line.starts_with("\"'"), "{formula:?} → {line:?}");
        }
        assert_eq!(
            row(&["a=b"]),
            "\"a=b\"\r\n",
            "only a leading sign is a formula"
        );
        assert_eq!(row::<&str>(&[]), "\r\n");
    }
}

//! The fonts compiled into the binary: Vazirmatn, the typeface of Tomar's pages, at two
//! weights (cut by `fonts/instance.sh`). Read once per process.

use std::sync::LazyLock;

use crate::text::Face;

static REGULAR: LazyLock<Face> =
    LazyLock::new(|| Face::new(include_bytes!("../fonts/vazirmatn-regular.ttf")));
static BOLD: LazyLock<Face> =
    LazyLock::new(|| Face::new(include_bytes!("../fonts/vazirmatn-bold.ttf")));

pub fn regular() -> &'static Face {
    &REGULAR
}

pub fn bold() -> &'static Face {
    &BOLD
}

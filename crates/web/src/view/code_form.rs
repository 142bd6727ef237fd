//! The page a code is typed on when it proves a contact (a login, an inquiry): where the
//! code went, why the last one did not count, and a way to start again.

use askama::Template;
use tomar_core::verification::Verification;

use crate::view::Shell;
use crate::view::i18n::Tr;
use crate::view::signing::SentTo;

#[derive(Template)]
#[template(path = "code_form.html")]
pub struct CodeFormPage {
    shell: Shell,
    csrf: String,
    title: String,
    action: String,
    /// Where to go afterwards, carried through the form.
    next: Option<String>,
    sent_to: Option<SentTo>,
    can_try: bool,
    message: Option<String>,
    submit: String,
    restart_href: &'static str,
    restart: String,
}

/// The translation keys of a code page's words, and where starting again leads.
pub struct CodeFormWords {
    pub title: &'static str,
    pub submit: &'static str,
    pub restart: &'static str,
    pub restart_href: &'static str,
}

impl CodeFormPage {
    /// The page for `verification`'s code, posted to `action`; with the refusal `message`
    /// of the last try if there was one. No code box once no code is left to try.
    pub fn new(
        tr: Tr,
        csrf: String,
        verification: &Verification,
        action: String,
        next: Option<String>,
        words: CodeFormWords,
        message: Option<String>,
    ) -> CodeFormPage {
        let sent_to = SentTo::of(verification, tr);
        CodeFormPage {
            shell: Shell::new(tr, tr.t(words.title), &action),
            csrf,
            title: tr.t(words.title),
            action,
            next,
            can_try: sent_to.is_some(),
            sent_to,
            message,
            submit: tr.t(words.submit),
            restart_href: words.restart_href,
            restart: tr.t(words.restart),
        }
    }
}

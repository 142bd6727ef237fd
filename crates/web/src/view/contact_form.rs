//! The page that asks for a mobile number or an email to send a code to, when the code
//! proves a contact (a login, an inquiry).

use askama::Template;

use crate::view::Shell;
use crate::view::i18n::Tr;

#[derive(Template)]
#[template(path = "contact_form.html")]
pub struct ContactFormPage {
    shell: Shell,
    csrf: String,
    title: String,
    intro: String,
    action: &'static str,
    /// Where to go afterwards, carried through the form.
    next: Option<String>,
    /// What was typed, when it was refused.
    contact: String,
    contact_error: Option<String>,
    submit: String,
}

/// The translation keys of a contact page's words, and where it posts.
pub struct ContactFormWords {
    pub title: &'static str,
    pub intro: &'static str,
    pub submit: &'static str,
    pub action: &'static str,
}

impl ContactFormPage {
    pub fn new(
        tr: Tr,
        csrf: String,
        words: ContactFormWords,
        next: Option<String>,
        contact: String,
        contact_error: Option<String>,
    ) -> ContactFormPage {
        ContactFormPage {
            shell: Shell::new(tr, tr.t(words.title), words.action),
            csrf,
            title: tr.t(words.title),
            intro: tr.t(words.intro),
            action: words.action,
            next,
            contact,
            contact_error,
            submit: tr.t(words.submit),
        }
    }
}

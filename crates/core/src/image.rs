//! A campaign's picture, as Tomar keeps it: never the file the author sent, but two JPEGs
//! Tomar drew from it (metadata gone), a wide one for the campaign page and link previews
//! and a small one for cards. Each upload gets a new version, so an address, once served,
//! always shows the same picture and may be cached for good.

use crate::ids::CampaignId;

/// Which upload of a campaign's picture: 1, 2, … .
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImageVersion(pub i64);

/// The two drawings of one picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageSize {
    /// 1200 × 630, the shape link previews use: the page's banner and `og:image`.
    Wide,
    /// 480 × 252, for campaign cards.
    Card,
}

impl ImageSize {
    pub const ALL: [ImageSize; 2] = [ImageSize::Wide, ImageSize::Card];

    pub fn name(self) -> &'static str {
        match self {
            ImageSize::Wide => "wide",
            ImageSize::Card => "card",
        }
    }

    pub fn from_name(name: &str) -> Option<ImageSize> {
        ImageSize::ALL.into_iter().find(|size| size.name() == name)
    }

    /// Width and height in pixels.
    pub fn pixels(self) -> (u32, u32) {
        match self {
            ImageSize::Wide => (1200, 630),
            ImageSize::Card => (480, 252),
        }
    }
}

/// The address of one drawing: `/images/{campaign}/{version}/{size}.jpg`.
pub fn image_path(campaign: CampaignId, version: ImageVersion, size: ImageSize) -> String {
    format!("/images/{campaign}/{}/{}.jpg", version.0, size.name())
}

/// A picture ready to store: both drawings, as JPEG.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignImage {
    pub wide: Vec<u8>,
    pub card: Vec<u8>,
}

impl CampaignImage {
    pub fn bytes(&self, size: ImageSize) -> &[u8] {
        match size {
            ImageSize::Wide => &self.wide,
            ImageSize::Card => &self.card,
        }
    }
}

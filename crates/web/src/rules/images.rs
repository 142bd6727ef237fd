//! What Tomar makes of a picture an author sends: it must be a JPEG, PNG or WebP of a
//! sensible size; it is decoded within fixed limits, turned upright as the camera said,
//! laid on white where it is transparent, cut to the two shapes Tomar shows and encoded
//! afresh as JPEG. Nothing of the file survives but its pixels: no EXIF, no location, no
//! camera, no comment, no trailing bytes.

use std::io::Cursor;
use std::sync::LazyLock;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use tokio::sync::Semaphore;
use tomar_core::image::{CampaignImage, ImageSize};

/// The largest file accepted, in bytes.
pub const MAX_UPLOAD: usize = 8 * 1024 * 1024;
/// The largest side decoded: a 12-megapixel phone photo fits; its decoded pixels take at
/// most 64 MiB.
const MAX_SIDE: u32 = 4096;
/// The smallest picture worth a banner, in pixels.
const MIN_WIDTH: u32 = 600;
const MIN_HEIGHT: u32 = 300;
/// JPEG quality of the drawings: small files that still look like photos.
const QUALITY: u8 = 82;

/// Why a picture was refused, each with its message for the author.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageRefusal {
    /// Not a JPEG, PNG or WebP, or a broken one.
    NotAPicture,
    TooSmall,
    /// Over [`MAX_UPLOAD`] bytes or [`MAX_SIDE`] pixels on a side.
    TooLarge,
}

impl ImageRefusal {
    pub fn key(self) -> &'static str {
        match self {
            ImageRefusal::NotAPicture => "image.not_a_picture",
            ImageRefusal::TooSmall => "image.too_small",
            ImageRefusal::TooLarge => "image.too_large",
        }
    }
}

/// One picture is decoded at a time, whatever the number of uploads: each may take tens of
/// megabytes while it is drawn, and a crowd of them must not take the server's memory.
static DRAWING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::const_new(1));

/// Draws `file` as Tomar keeps it, off the async threads.
pub async fn prepare(file: Vec<u8>) -> Result<CampaignImage, ImageRefusal> {
    let _turn = DRAWING
        .acquire()
        .await
        .map_err(|_| ImageRefusal::NotAPicture)?;
    tokio::task::spawn_blocking(move || prepare_now(&file))
        .await
        .map_err(|_| ImageRefusal::NotAPicture)?
}

fn prepare_now(file: &[u8]) -> Result<CampaignImage, ImageRefusal> {
    if file.len() > MAX_UPLOAD {
        return Err(ImageRefusal::TooLarge);
    }
    let mut reader = ImageReader::new(Cursor::new(file))
        .with_guessed_format()
        .map_err(|_| ImageRefusal::NotAPicture)?;
    // The content decides, never the name or the type the browser claimed.
    if !matches!(
        reader.format(),
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)
    ) {
        return Err(ImageRefusal::NotAPicture);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(u64::from(MAX_SIDE) * u64::from(MAX_SIDE) * 4 + (16 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    // A photo taken sideways says so in its metadata, which is about to be dropped.
    let orientation = decoder.orientation().ok();
    let mut picture = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    if let Some(orientation) = orientation {
        picture.apply_orientation(orientation);
    }
    if picture.width() < MIN_WIDTH || picture.height() < MIN_HEIGHT {
        return Err(ImageRefusal::TooSmall);
    }
    let opaque = DynamicImage::ImageRgb8(on_white(&picture));
    Ok(CampaignImage {
        wide: drawn(&opaque, ImageSize::Wide)?,
        card: drawn(&opaque, ImageSize::Card)?,
    })
}

/// A decoder's error as the author hears it: past a limit is too large, the rest broken.
fn refusal(error: image::ImageError) -> ImageRefusal {
    match error {
        image::ImageError::Limits(_) => ImageRefusal::TooLarge,
        _ => ImageRefusal::NotAPicture,
    }
}

/// The picture's colours, its transparent parts laid on white (JPEG has no transparency,
/// and a logo on black would vanish).
fn on_white(picture: &DynamicImage) -> RgbImage {
    if !picture.color().has_alpha() {
        return picture.to_rgb8();
    }
    let rgba = picture.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over_white = |c: u8| {
            let (c, a) = (u32::from(c), u32::from(a));
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

/// `picture` cut to fill `size` (the middle kept) and encoded as JPEG.
fn drawn(picture: &DynamicImage, size: ImageSize) -> Result<Vec<u8>, ImageRefusal> {
    let (width, height) = size.pixels();
    let cut = picture.resize_to_fill(width, height, FilterType::Triangle);
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, QUALITY)
        .encode_image(&cut)
        .map_err(|_| ImageRefusal::NotAPicture)?;
    Ok(jpeg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, RgbaImage};

    fn png(width: u32, height: u32, pixel: [u8; 4]) -> Vec<u8> {
        let picture = RgbaImage::from_pixel(width, height, image::Rgba(pixel));
        let mut file = Vec::new();
        image::codecs::png::PngEncoder::new(&mut file)
            .write_image(&picture, width, height, image::ExtendedColorType::Rgba8)
            .unwrap();
        file
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbImage::from_pixel(width, height, image::Rgb([30, 90, 160]));
        let mut file = Vec::new();
        JpegEncoder::new_with_quality(&mut file, 90)
            .encode_image(&picture)
            .unwrap();
        file
    }

    /// `file` with an EXIF segment right after its start: a camera's note of where the
    /// photo was taken, which must not survive.
    fn with_exif(file: &[u8], note: &str) -> Vec<u8> {
        // "Exif\0\0", then a little-endian TIFF header with no entries, then the note.
        let mut exif = b"Exif\0\0II*\0\x08\0\0\0\0\0".to_vec();
        exif.extend_from_slice(note.as_bytes());
        let length = u16::try_from(exif.len() + 2).unwrap().to_be_bytes();
        let mut out = file[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&length);
        out.extend_from_slice(&exif);
        out.extend_from_slice(&file[2..]);
        out
    }

    fn decoded(jpeg: &[u8]) -> DynamicImage {
        image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg).unwrap()
    }

    #[test]
    fn a_photo_is_drawn_afresh_in_both_shapes_without_its_metadata() {
        let note = "GPS 35.6892 51.3890 secret";
        let file = with_exif(&jpeg(1600, 1200), note);
        assert!(file.windows(note.len()).any(|w| w == note.as_bytes()));
        let image = prepare_now(&file).unwrap();
        for size in ImageSize::ALL {
            let bytes = image.bytes(size);
            assert!(bytes.starts_with(&[0xFF, 0xD8]), "a JPEG");
            assert!(!bytes.windows(4).any(|w| w == b"Exif"), "no EXIF left");
            assert!(!bytes.windows(3).any(|w| w == b"GPS"));
            let drawn = decoded(bytes);
            assert_eq!((drawn.width(), drawn.height()), size.pixels());
        }
    }

    #[test]
    fn transparency_is_laid_on_white() {
        let image = prepare_now(&png(800, 400, [0, 0, 0, 0])).unwrap();
        let drawn = decoded(&image.card).to_rgb8();
        let [r, g, b] = drawn.get_pixel(10, 10).0;
        assert!(
            r > 240 && g > 240 && b > 240,
            "white, not black: {r} {g} {b}"
        );
    }

    #[test]
    fn what_is_not_a_sensible_picture_is_refused() {
        assert_eq!(
            prepare_now(b"<svg onload=alert(1)>").unwrap_err(),
            ImageRefusal::NotAPicture
        );
        assert_eq!(prepare_now(&[]).unwrap_err(), ImageRefusal::NotAPicture);
        let gif = b"GIF89a\x01\0\x01\0\0\0\0;";
        assert_eq!(prepare_now(gif).unwrap_err(), ImageRefusal::NotAPicture);
        let mut truncated = png(800, 600, [9, 9, 9, 255]);
        truncated.truncate(truncated.len() / 2);
        assert_eq!(
            prepare_now(&truncated).unwrap_err(),
            ImageRefusal::NotAPicture
        );
        let garbage = [&[0xFF, 0xD8, 0xFF, 0xC0][..], &[0xAB; 64]].concat();
        assert_eq!(
            prepare_now(&garbage).unwrap_err(),
            ImageRefusal::NotAPicture
        );
        assert_eq!(
            prepare_now(&png(300, 200, [9, 9, 9, 255])).unwrap_err(),
            ImageRefusal::TooSmall
        );
        assert_eq!(
            prepare_now(&png(MAX_SIDE + 1, 400, [9, 9, 9, 255])).unwrap_err(),
            ImageRefusal::TooLarge
        );
        assert_eq!(
            prepare_now(&vec![0; MAX_UPLOAD + 1]).unwrap_err(),
            ImageRefusal::TooLarge
        );
    }
}

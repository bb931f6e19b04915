//! Turns a figure into file bytes: PNG through plotters' bitmap backend and the `png` encoder
//! (in memory, so the CLI decides where files go), or SVG text.

use plotters::prelude::*;

use super::draw::{LineMode, draw_figure};
use super::figure::Figure;
use super::timeline::TimeAxis;

/// PNG bytes of `figure` at `size` pixels.
pub fn png(figure: &Figure<'_>, axis: &TimeAxis, (width, height): (u32, u32)) -> Result<Vec<u8>, String> {
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        draw_figure(&root, figure, axis, LineMode::Segments)?;
        root.present().map_err(|e| e.to_string())?;
    }
    let mut bytes = Vec::with_capacity(rgb.len() / 8);
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Charts are mostly flat colour: fast compression is several times quicker and the files
    // are only slightly larger.
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// SVG text of `figure` at `size` pixels.
pub fn svg(figure: &Figure<'_>, axis: &TimeAxis, size: (u32, u32)) -> Result<String, String> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        draw_figure(&root, figure, axis, LineMode::Polyline)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(text)
}

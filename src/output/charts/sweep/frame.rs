//! What the sweep charts share with each other and with the run charts: the title block, the
//! legend column to the right of the plot, text styles in the embedded font, and the encoding
//! of a drawing as PNG or SVG bytes.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::style::{self, FONT_FAMILY};

/// A drawing's result: plotters' errors as text.
pub type DrawResult<T> = Result<T, String>;

/// Left edge of the title text, as on the run charts.
pub const TEXT_LEFT: i32 = 18;

/// Plotters' error as text.
pub fn failed<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Text in the embedded font.
pub fn font(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FONT_FAMILY, size).into_font().color(&color)
}

/// Text in the embedded font, anchored at its centre.
pub fn centred(size: f64, color: RGBColor) -> TextStyle<'static> {
    font(size, color).pos(Pos::new(HPos::Center, VPos::Center))
}

/// Draws the white background, the title and up to two subtitle lines; returns the height the
/// block takes.
pub fn draw_header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitles: &[String],
) -> DrawResult<i32> {
    root.fill(&WHITE).map_err(failed)?;
    root.draw(&Text::new(title, (TEXT_LEFT, 10), font(style::TITLE_SIZE, BLACK)))
        .map_err(failed)?;
    let mut y = 40;
    for line in subtitles.iter().take(2) {
        root.draw(&Text::new(
            line.as_str(),
            (TEXT_LEFT, y),
            font(style::SUBTITLE_SIZE, style::TEXT_GREY),
        ))
        .map_err(failed)?;
        y += 20;
    }
    Ok(style::HEADER_HEIGHT + 20 * subtitles.len().saturating_sub(1).min(1) as i32)
}

/// A legend entry's swatch.
pub enum Swatch {
    /// A filled dot of this colour and radius.
    Dot(RGBColor, i32),
    /// A hollow ring of this colour and radius.
    Ring(RGBColor, i32),
    /// The best combination's double ring.
    Best,
    /// A line with a dot in the middle (the front).
    LineDot(RGBColor),
    /// A dashed line (a constraint's threshold).
    Dashed(RGBColor),
    /// A whisker with caps.
    Whisker(RGBColor),
    /// A square with diagonal hatching.
    Hatched,
    /// A square outlined as the best cell.
    Outlined,
}

/// Row height of a legend entry.
pub const LEGEND_ROW: i32 = 24;

/// Draws legend entries top-down from `top` in `area` (the legend column); long texts shrink
/// to fit the column.
pub fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    top: i32,
    entries: &[(Swatch, String)],
) -> DrawResult<()> {
    let available = area.dim_in_pixel().0.saturating_sub(38 + 10);
    for (i, (swatch, text)) in entries.iter().enumerate() {
        let y = top + i as i32 * LEGEND_ROW;
        let mid = y + 9;
        draw_swatch(area, swatch, (17, mid))?;
        let mut size = style::LEGEND_SIZE;
        while size > 10.0 && area.estimate_text_size(text, &font(size, BLACK)).map_err(failed)?.0 > available {
            size -= 1.0;
        }
        area.draw(&Text::new(text.as_str(), (38, y), font(size, BLACK)))
            .map_err(failed)?;
    }
    Ok(())
}

fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    swatch: &Swatch,
    (x, y): (i32, i32),
) -> DrawResult<()> {
    let square = [(x - 11, y - 7), (x + 11, y + 7)];
    match swatch {
        Swatch::Dot(c, r) => area.draw(&Circle::new((x, y), *r, c.filled())),
        Swatch::Ring(c, r) => area.draw(&Circle::new((x, y), *r, c.stroke_width(2))),
        Swatch::Best => return draw_best_ring(area, (x, y)),
        Swatch::LineDot(c) => {
            area.draw(&PathElement::new([(x - 13, y), (x + 13, y)], c.stroke_width(2)))
                .map_err(failed)?;
            area.draw(&Circle::new((x, y), 5, c.filled()))
        }
        Swatch::Dashed(c) => {
            for dx in [-13, 1] {
                area.draw(&PathElement::new([(x + dx, y), (x + dx + 9, y)], c.stroke_width(2)))
                    .map_err(failed)?;
            }
            Ok(())
        }
        Swatch::Whisker(c) => {
            let s = c.stroke_width(1);
            area.draw(&PathElement::new([(x - 12, y), (x + 12, y)], s))
                .map_err(failed)?;
            area.draw(&PathElement::new([(x - 12, y - 4), (x - 12, y + 4)], s))
                .map_err(failed)?;
            area.draw(&PathElement::new([(x + 12, y - 4), (x + 12, y + 4)], s))
        }
        Swatch::Hatched => {
            area.draw(&Rectangle::new(square, style::GRID_GREY.filled()))
                .map_err(failed)?;
            for (a, b) in hatch_segments(square, 6) {
                area.draw(&PathElement::new([a, b], style::TEXT_GREY.stroke_width(1)))
                    .map_err(failed)?;
            }
            Ok(())
        }
        Swatch::Outlined => {
            area.draw(&Rectangle::new(square, style::GRID_GREY.filled()))
                .map_err(failed)?;
            return draw_best_outline(area, square);
        }
    }
    .map_err(failed)
}

/// Radius of the best combination's outer ring.
pub const BEST_RING: i32 = 12;

/// The best combination's mark: a black ring with a white ring inside, visible on any colour.
pub fn draw_best_ring<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, (x, y): (i32, i32)) -> DrawResult<()> {
    area.draw(&Circle::new((x, y), BEST_RING, BLACK.stroke_width(3)))
        .map_err(failed)?;
    area.draw(&Circle::new((x, y), BEST_RING - 3, WHITE.stroke_width(1)))
        .map_err(failed)
}

/// The best cell's outline: black outside, white inside, visible on any fill.
pub fn draw_best_outline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    [(x0, y0), (x1, y1)]: [(i32, i32); 2],
) -> DrawResult<()> {
    draw_frame(area, [(x0, y0), (x1, y1)], 4, BLACK)?;
    draw_frame(area, [(x0 + 4, y0 + 4), (x1 - 4, y1 - 4)], 1, WHITE)
}

/// A rectangle's outline about `width` pixels wide inside its edges, as four filled bars: the
/// SVG backend draws every rectangle outline one pixel wide, whatever its stroke width. (The
/// bitmap backend fills rectangles edges included, so there the bars are a pixel wider.)
pub fn draw_frame<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    [(x0, y0), (x1, y1)]: [(i32, i32); 2],
    width: i32,
    colour: RGBColor,
) -> DrawResult<()> {
    let w = width.max(1);
    let bars = [
        [(x0, y0), (x1, y0 + w)],
        [(x0, y1 - w), (x1, y1)],
        [(x0, y0), (x0 + w, y1)],
        [(x1 - w, y0), (x1, y1)],
    ];
    for bar in bars {
        area.draw(&Rectangle::new(bar, colour.filled())).map_err(failed)?;
    }
    Ok(())
}

/// Diagonal lines (bottom-left to top-right) `spacing` pixels apart, clipped to the rectangle.
pub fn hatch_segments([(x0, y0), (x1, y1)]: [(i32, i32); 2], spacing: i32) -> Vec<((i32, i32), (i32, i32))> {
    let (w, h) = (x1 - x0, y1 - y0);
    let spacing = spacing.max(1);
    // Line k is x + y = x0 + y0 + k; it enters at the left or bottom edge and leaves at the
    // top or right edge.
    (1..(w + h) / spacing + 1)
        .map(|i| i * spacing)
        .filter(|&k| k < w + h)
        .map(|k| {
            let start = if k <= h { (x0, y0 + k) } else { (x0 + k - h, y1) };
            let end = if k <= w { (x0 + k, y0) } else { (x1, y0 + k - w) };
            (start, end)
        })
        .collect()
}

/// Something drawn on any plotters backend: a chart, rendered as PNG and as SVG.
pub trait Drawing {
    /// Draws on `root`, which it fills.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<()>;
}

/// PNG bytes of `drawing` on a `size` canvas.
pub fn png(drawing: &impl Drawing, (width, height): (u32, u32)) -> DrawResult<Vec<u8>> {
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        drawing.draw(&root)?;
        root.present().map_err(failed)?;
    }
    let mut bytes = Vec::with_capacity(rgb.len() / 8);
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Charts are mostly flat colour: fast compression, as for the run charts.
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(&rgb).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(bytes)
}

/// SVG text of `drawing` on a `size` canvas.
pub fn svg(drawing: &impl Drawing, size: (u32, u32)) -> DrawResult<String> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        drawing.draw(&root)?;
        root.present().map_err(failed)?;
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hatching_stays_inside_its_rectangle() {
        let rect = [(10, 20), (40, 30)];
        let lines = hatch_segments(rect, 5);
        assert_eq!(lines.len(), 7);
        for ((ax, ay), (bx, by)) in lines {
            for (x, y) in [(ax, ay), (bx, by)] {
                assert!((10..=40).contains(&x) && (20..=30).contains(&y), "({x}, {y})");
            }
            assert_eq!(ax + ay, bx + by, "a diagonal");
        }
    }
}

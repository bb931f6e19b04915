//! The legend column: the entries `charts::legend` lists, each with its swatch, fitted to the
//! column's width.

use super::*;

pub(super) use crate::output::charts::legend::{LegendEntry, Swatch, entries as legend_entries};

/// The legend style, shrunk until `text` fits the legend column.
pub(super) fn fitted<'a, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'a>,
) -> DrawResult<TextStyle<'a>> {
    let available = area.dim_in_pixel().0.saturating_sub(38 + 14);
    let mut size = style::LEGEND_SIZE;
    let mut fitted = style.clone();
    while size > 10.0 && area.estimate_text_size(text, &fitted).map_err(failed)?.0 > available {
        size -= 1.0;
        fitted = font(size, BLACK);
    }
    Ok(fitted)
}

/// Draws each panel's legend beside it, top-aligned with the panel's plot.
pub(super) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[(i32, Vec<LegendEntry>)],
) -> DrawResult<()> {
    const ROW: i32 = 24;
    let text_style = font(style::LEGEND_SIZE, BLACK);
    for (top, entries) in rows {
        for (i, LegendEntry { swatch, text }) in entries.iter().enumerate() {
            let y = top + 4 + i as i32 * ROW;
            let mid = y + 9;
            match swatch {
                Swatch::Line(s) if s.dashed => {
                    for x in [4, 18] {
                        area.draw(&PathElement::new([(x, mid), (x + 9, mid)], shape(*s)))
                            .map_err(failed)?;
                    }
                }
                Swatch::Line(s) => area
                    .draw(&PathElement::new([(4, mid), (30, mid)], shape(*s)))
                    .map_err(failed)?,
                Swatch::Fill(s, alpha) => area
                    .draw(&Rectangle::new(
                        [(4, y + 2), (30, y + 16)],
                        s.color.mix(*alpha).filled(),
                    ))
                    .map_err(failed)?,
                // Dashed markers get a dashed swatch: "rollback starts" is not "deployment failed".
                Swatch::Vertical(s) if s.dashed => {
                    for (from, to) in [(y, y + 6), (y + 12, y + 18)] {
                        area.draw(&PathElement::new([(17, from), (17, to)], shape(*s)))
                            .map_err(failed)?;
                    }
                }
                Swatch::Vertical(s) => area
                    .draw(&PathElement::new([(17, y), (17, y + 18)], shape(*s)))
                    .map_err(failed)?,
                Swatch::Dot(s) => {
                    for x in [8, 17, 26] {
                        area.draw(&Circle::new((x, mid), s.width.max(2), s.color.filled()))
                            .map_err(failed)?;
                    }
                }
                Swatch::Tick(s) => area
                    .draw(&TriangleMarker::new((17, mid), 6, s.color.filled()))
                    .map_err(failed)?,
            }
            area.draw(&Text::new(text.as_str(), (38, y), fitted(area, text, &text_style)?))
                .map_err(failed)?;
        }
    }
    Ok(())
}

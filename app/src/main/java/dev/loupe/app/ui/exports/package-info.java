/** File ▸ Export figure / data: the selected tab's result as PNG, SVG, CSV or JSON. */
package dev.loupe.app.ui.exports;

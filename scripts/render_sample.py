"""Render the sample article (.txt) as a PDF and an HTML page for the loader tests.

The seed corpus holds one article saved as plain text with the website's banner
and newsletter footer still in it. Tests need the same article as a multi-page
PDF (so page numbers in citations mean something) and as a realistic web page
(so the HTML extractor has real furniture to strip). This script makes both,
byte-for-byte the same on every run.

Usage:
    python scripts/render_sample.py [--out corpus/sample] [--source corpus/sample/000_37ea4592f850c55e.txt]

Needs reportlab (the ``dev`` extra). The PDF uses Bitstream Vera, which ships
inside reportlab, so the output does not depend on the fonts of the machine.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT / "corpus" / "sample" / "000_37ea4592f850c55e.txt"
DEFAULT_OUT = REPO_ROOT / "corpus" / "sample"

SITE_NAME = "Washington Institute For Defence & Security"
AUTHOR = "George Meneshian"
# The publisher's headline was not saved with the text. This is a descriptive
# title added here, and corpus/PROVENANCE.md says so; never present it as theirs.
TITLE = "Azerbaijan’s September 2022 offensive against Armenia"

# Short lines without closing punctuation inside the body are the article's own
# section headings ("The International Community", "An internal struggle").
_MAX_HEADING_WORDS = 8


@dataclass(frozen=True)
class Article:
    """The parts of the saved page, split into body and site furniture."""

    banner: str
    address: str
    body: tuple[str, ...]
    bio_name: str
    bio: str
    bio_link: str
    newsletter: tuple[str, ...]


def is_heading(paragraph: str) -> bool:
    """True for the article's section headings (short, no sentence punctuation)."""
    return len(paragraph.split()) <= _MAX_HEADING_WORDS and not paragraph.rstrip().endswith(
        (".", ":", "?", "!", "…"))


def parse_article(raw: str) -> Article:
    """Split the saved text into banner, body paragraphs and footer blocks.

    The layout of this one file is known, so the split is by position and
    marker, and it fails loudly if the file ever stops looking like that.
    """
    lines = raw.split("\n")
    banner_line, address = lines[0].strip(), lines[1].strip()
    if banner_line != SITE_NAME * 3:
        raise ValueError(f"line 1 is not the repeated site banner: {banner_line[:80]!r}")

    paragraphs = [p.strip() for p in re.split(r"\n[ \t\xa0]*\n", "\n".join(lines[2:]))]
    paragraphs = [p for p in paragraphs if p]
    try:
        bio_at = next(i for i, p in enumerate(paragraphs) if p.lstrip("• ").strip() == "Research Team")
    except StopIteration:
        raise ValueError("author box ('• Research Team') not found at the end of the article") from None
    body = tuple(paragraphs[:bio_at])
    if not body[0].startswith(AUTHOR + " –"):
        raise ValueError(f"article body does not start with the author's dateline: {body[0][:60]!r}")
    tail = paragraphs[bio_at:]
    if len(tail) < 5 or tail[2] != "View all posts" or not tail[3].startswith("Subscribe"):
        raise ValueError(f"unexpected author box / newsletter footer: {tail!r}")
    newsletter = tuple(line.strip() for block in tail[3:] for line in block.split("\n") if line.strip())
    if len(newsletter) < 3:
        raise ValueError(f"newsletter footer should be heading, blurb, dismiss label: {newsletter!r}")
    return Article(
        banner=SITE_NAME,
        address=address,
        body=body,
        bio_name="Research Team",
        bio=tail[1],
        bio_link=tail[2],
        newsletter=newsletter,
    )


# --------------------------------------------------------------------- html

def render_html(article: Article) -> str:
    """A plausible article page: header and nav, the article, author box, newsletter footer."""
    e = html.escape
    body_html = []
    for paragraph in article.body:
        if is_heading(paragraph):
            body_html.append(f"        <h2>{e(paragraph)}</h2>")
        else:
            body_html.append(f"        <p>{e(paragraph)}</p>")
    # The saved footer is: heading, blurb lines, then the dismiss button's label.
    newsletter_title, *newsletter_text, dismiss = article.newsletter
    nav = ["Home", "Analysis", "Defence", "Security", "Research Team", "About", "Contact"]
    nav_html = "\n".join(
        f'        <li><a href="/{e(item.lower().replace(" ", "-")) if item != "Home" else ""}">{e(item)}</a></li>'
        for item in nav)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{e(TITLE)} – {e(article.banner)}</title>
  <meta name="author" content="{e(AUTHOR)}">
  <meta name="description" content="{e(_first_sentence(article.body[0]))}">
  <meta property="og:type" content="article">
  <meta property="og:title" content="{e(TITLE)}">
  <meta property="og:site_name" content="{e(article.banner)}">
  <style>
    body {{ font-family: Georgia, serif; margin: 0 auto; max-width: 46rem; padding: 0 1rem; }}
    .site-header, .site-footer {{ font-family: Helvetica, Arial, sans-serif; }}
    .site-header nav ul {{ list-style: none; padding: 0; display: flex; gap: 1rem; }}
    .author-box, .newsletter {{ border-top: 1px solid #ccc; margin-top: 2rem; padding-top: 1rem; }}
  </style>
</head>
<body>
  <header class="site-header">
    <p class="site-title"><a href="/" rel="home">{e(article.banner)}</a></p>
    <p class="site-address">{e(article.address)}</p>
    <nav class="main-navigation" aria-label="Main menu">
      <ul>
{nav_html}
      </ul>
    </nav>
  </header>
  <main id="content">
    <article class="post type-post">
      <header class="entry-header">
        <h1 class="entry-title">{e(TITLE)}</h1>
        <p class="byline">By <span class="author vcard"><a class="url fn n" rel="author"
          href="/author/george-meneshian/">{e(AUTHOR)}</a></span></p>
      </header>
      <div class="entry-content">
{chr(10).join(body_html)}
      </div>
    </article>
    <aside class="author-box">
      <p class="author-name">{e(article.bio_name)}</p>
      <p class="author-description">{e(article.bio)}</p>
      <p><a class="author-link" href="/author/research-team/">{e(article.bio_link)}</a></p>
    </aside>
  </main>
  <footer class="site-footer">
    <section class="newsletter" id="newsletter">
      <h2>{e(newsletter_title)}</h2>
{chr(10).join(f"      <p>{e(line)}</p>" for line in newsletter_text)}
      <form action="/subscribe" method="post">
        <label for="newsletter-email">Email</label>
        <input id="newsletter-email" type="email" name="email">
        <button type="submit">Subscribe</button>
      </form>
      <button type="button" class="newsletter-dismiss">{e(dismiss)}</button>
    </section>
    <p class="site-info">{e(article.banner)}, {e(article.address)}</p>
  </footer>
</body>
</html>
"""


def _first_sentence(paragraph: str) -> str:
    from rag.text import sentences  # the project's one sentence splitter

    found = sentences(paragraph)
    return found[0] if found else paragraph


# ---------------------------------------------------------------------- pdf

_FONT = "Vera"
_FONT_BOLD = "Vera-Bold"


def _register_fonts() -> None:
    """Register Bitstream Vera, shipped inside reportlab, which covers ’ – “ ” ş ğ."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts_dir = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(_FONT, str(fonts_dir / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(_FONT_BOLD, str(fonts_dir / "VeraBd.ttf")))


def render_pdf(article: Article, path: Path) -> int:
    """Write the article body as an A4 PDF and return its page count.

    Only the title, the author line and the body go in: a PDF of an article
    carries no site banner or newsletter box.
    """
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _register_fonts()
    base = ParagraphStyle("Body", fontName=_FONT, fontSize=11, leading=15,
                          alignment=TA_LEFT, spaceAfter=8)
    title_style = ParagraphStyle("Title", parent=base, fontName=_FONT_BOLD, fontSize=18,
                                 leading=23, spaceAfter=6)
    author_style = ParagraphStyle("Author", parent=base, fontSize=11, spaceAfter=14)
    heading_style = ParagraphStyle("Heading", parent=base, fontName=_FONT_BOLD, fontSize=13,
                                   leading=17, spaceBefore=6, spaceAfter=6,
                                   keepWithNext=1)

    # Platypus reads paragraph text as markup, so &, < and > must be escaped.
    def markup(text: str) -> str:
        return html.escape(text, quote=False)

    story = [
        Paragraph(markup(TITLE), title_style),
        Paragraph(markup(f"By {AUTHOR}"), author_style),
        Spacer(1, 4),
    ]
    for paragraph in article.body:
        style = heading_style if is_heading(paragraph) else base
        story.append(Paragraph(markup(paragraph), style))

    doc = SimpleDocTemplate(
        str(path), pagesize=A4,
        leftMargin=2.5 * cm, rightMargin=2.5 * cm, topMargin=2.5 * cm, bottomMargin=2.5 * cm,
        title=TITLE, author=AUTHOR,
        subject=f"Sample article rendered from corpus/sample/{path.with_suffix('.txt').name}",
        creator="scripts/render_sample.py",
        # No creation date or random document id, so every run writes the same bytes.
        invariant=1,
    )
    doc.build(story)
    return doc.page


def main(argv: list[str] | None = None) -> int:
    """Render the PDF and HTML next to each other in ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="the article .txt")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)

    try:
        raw = args.source.read_text(encoding="utf-8")
        article = parse_article(raw)
    except (OSError, ValueError) as exc:
        print(f"{args.source}: {exc}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.source.stem
    html_path = args.out / f"{stem}.html"
    pdf_path = args.out / f"{stem}.pdf"
    html_path.write_text(render_html(article), encoding="utf-8", newline="\n")
    pages = render_pdf(article, pdf_path)
    if pages < 3:
        print(f"{pdf_path}: only {pages} pages; the tests need at least 3", file=sys.stderr)
        return 1
    print(f"wrote {html_path} and {pdf_path} ({pages} pages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

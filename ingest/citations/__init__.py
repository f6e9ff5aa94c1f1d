"""Find citations of other documents in normalised text (spec legal-identifiers §1.2–§1.10, §2.2).

One compiled regex finds every numbered notation (shapes P, N, A in precedence order); a second finds noun-led
partials ("NĐ 107/2020", "Nghị định số 107", "Luật 80/2015") and a third laws cited by name. Each candidate is
then read in its neighbourhood only: the kind noun just before it, the date just after it, the issuer phrase for
its scope, and the cue that governs its clause. Patterns never cross a tab (table cell) and never read a
placeholder ("…/KH-UBND", "Số: /KH-VPUBND") or the document's own "Số:" header as a citation.

The steps, one module each: `context` (what the citing document says about itself), `patterns` (the regexes
and the lexical reads around a match), `candidates` (every mention read where it stands: notation, kind, date,
scope), `passes` (what needs the whole document: shared dates, years from elsewhere, relations and nesting,
registry checks), `finder` (the order of the steps, and the records that leave the package).
"""

from ingest.citations.context import CitingContext
from ingest.citations.finder import acts_on_parent, find_citations

__all__ = ["CitingContext", "acts_on_parent", "find_citations"]

// Offsets: the server counts code points (Python str indexes), JavaScript strings count
// UTF-16 code units. "Ik 💔 je" has 7 code points but 8 code units.

/** map[i] = UTF-16 index where code point i starts; map[length] = text.length. */
export function codePointMap(text) {
  const map = [0];
  let units = 0;
  for (const ch of text) {
    units += ch.length;
    map.push(units);
  }
  return map;
}

/**
 * Turn findings (code point offsets) into spans with UTF-16 offsets for `text`.
 * Findings whose offsets don't fit the text are dropped rather than drawn in the wrong place.
 */
export function findingSpans(text, findings) {
  const map = codePointMap(text);
  const count = map.length - 1;
  const spans = [];
  (findings || []).forEach((finding, index) => {
    const { start, end } = finding;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start) return;
    let from = null;
    let to = null;
    if (end <= count) {
      from = map[start];
      to = map[end];
    }
    const expected = typeof finding.text === "string" ? finding.text : null;
    if (expected !== null && (from === null || text.slice(from, to) !== expected)) {
      // Defensive: a server that already sends UTF-16 offsets still lines up.
      if (end <= text.length && text.slice(start, end) === expected) {
        from = start;
        to = end;
      } else {
        return;
      }
    }
    if (from === null) return;
    spans.push({ start: from, end: to, index, polarity: finding.polarity, finding });
  });
  return spans;
}

/**
 * Cut `text` into consecutive segments; each lists the spans covering it.
 * Overlapping findings ("je luistert ook nooit" around "nooit") become nested segments.
 */
export function segments(text, spans) {
  const cuts = new Set([0, text.length]);
  spans.forEach((s) => {
    cuts.add(s.start);
    cuts.add(s.end);
  });
  const points = [...cuts].sort((a, b) => a - b);
  const result = [];
  for (let i = 0; i < points.length - 1; i += 1) {
    const start = points[i];
    const end = points[i + 1];
    if (end <= start) continue;
    const covering = spans.filter((s) => s.start <= start && s.end >= end);
    result.push({ start, end, text: text.slice(start, end), spans: covering });
  }
  return result;
}

/** "unsafe" wins over "safe" when both cover a segment. */
export function segmentPolarity(segment) {
  if (segment.spans.some((s) => s.polarity === "unsafe")) return "unsafe";
  if (segment.spans.length) return "safe";
  return null;
}

/**
 * A strict-enough XML well-formedness check for tests: one root, balanced and properly nested tags,
 * quoted attributes without raw '<' or '&', only the predefined or numeric entities.
 * Returns null when well formed, else what is wrong.
 */
export function xmlProblem(xml: string): string | null {
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const entityOk = (text: string) => !/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text);
  while (rest.length) {
    const lt = rest.indexOf('<');
    const text = lt < 0 ? rest : rest.slice(0, lt);
    if (!entityOk(text)) return `bad entity in text near "${text.slice(0, 40)}"`;
    if (text.trim() && stack.length === 0) return `text outside the root element: "${text.trim().slice(0, 40)}"`;
    if (lt < 0) break;
    rest = rest.slice(lt);
    if (rest.startsWith('<!--')) {
      const end = rest.indexOf('-->');
      if (end < 0) return 'unclosed comment';
      rest = rest.slice(end + 3);
      continue;
    }
    const tag = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(rest);
    if (!tag) return `malformed tag near "${rest.slice(0, 60)}"`;
    const [all, closing, name, attrs, selfClosing] = tag;
    if (!entityOk(attrs ?? '')) return `bad entity in attributes of <${name}>`;
    const attrNames = [...(attrs ?? '').matchAll(/([A-Za-z_][\w.:-]*)\s*=/g)].map((m) => m[1]);
    if (new Set(attrNames).size !== attrNames.length) return `duplicate attribute in <${name}>`;
    if (closing) {
      const open = stack.pop();
      if (open !== name) return `</${name}> closes <${open ?? 'nothing'}>`;
    } else {
      if (stack.length === 0 && ++roots > 1) return 'more than one root element';
      if (!selfClosing) stack.push(name!);
    }
    rest = rest.slice(all.length);
  }
  if (stack.length) return `unclosed <${stack[stack.length - 1]}>`;
  return roots === 1 ? null : 'no root element';
}

import * as fs from 'fs';
import * as path from 'path';
import katex from 'katex';
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: true, linkify: true, typographer: false });

/**
 * Markdown with LaTeX math ($...$ inline, $$...$$ display), rendered to HTML
 * offline: math is set by KaTeX here, so the page needs no script for it. Code
 * spans and fenced blocks keep their dollars.
 */
export function renderMarkdown(source: string): string {
  const math: string[] = [];
  // Code first (left alone), then display math, then inline math; \$ is a literal dollar.
  const pattern = /(```[\s\S]*?```|~~~[\s\S]*?~~~|`[^`\n]*`)|\$\$([\s\S]+?)\$\$|(?<![\\$])\$(?!\s)((?:\\\$|[^$\n])+?)(?<!\s)\$(?!\d)/g;
  const protectedSource = source.replace(pattern, (whole, code: string | undefined, display: string | undefined, inline: string | undefined) => {
    if (code) return whole;
    const tex = display ?? inline!;
    math.push(katex.renderToString(tex.trim(), { displayMode: display !== undefined, throwOnError: false, output: 'htmlAndMathml' }));
    return `\uE000MATH${math.length - 1}\uE001`;
  });
  return md.render(protectedSource).replace(/\uE000MATH(\d+)\uE001/g, (_, i: string) => math[Number(i)]);
}

let css: string | undefined;

/** KaTeX's stylesheet with its fonts inlined as data: URLs (woff2 only), so math renders offline. */
export function katexCSS(): string {
  if (css === undefined) {
    const dir = path.dirname(require.resolve('katex/dist/katex.min.css'));
    const sheet = fs.readFileSync(path.join(dir, 'katex.min.css'), 'utf8');
    css = sheet.replace(/src:([^;}]+)/g, (_, sources: string) => {
      const woff2 = /url\((fonts\/[^)]+\.woff2)\)/.exec(sources);
      if (!woff2) return `src:${sources}`;
      const data = fs.readFileSync(path.join(dir, woff2[1])).toString('base64');
      return `src:url(data:font/woff2;base64,${data}) format("woff2")`;
    });
  }
  return css;
}

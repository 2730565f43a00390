/**
 * Printing what a page does not render up front (the whole roster behind its current page):
 * a part registers how to load itself before the print; the print button, Ctrl+P / Cmd+P and
 * the print media (a print preview) load it first. Without anything registered the browser's
 * print runs as usual.
 */
type Preparation = () => Promise<void>;

const preparations = new Set<Preparation>();

/** Runs every preparation, then opens the browser's print dialog. */
export async function printPage(): Promise<void> {
  await Promise.all([...preparations].map((p) => p().catch(() => undefined)));
  window.print();
}

function onKey(e: KeyboardEvent) {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "p") {
    e.preventDefault();
    void printPage();
  }
}

/** Registers a preparation while the part is on the page; returns the unregister function. */
export function registerPrintPreparation(p: Preparation): () => void {
  preparations.add(p);
  if (preparations.size === 1) window.addEventListener("keydown", onKey);
  const media = window.matchMedia("print");
  const onMedia = (e: MediaQueryListEvent) => e.matches && void p().catch(() => undefined);
  media.addEventListener("change", onMedia);
  // already printing (the print media was on before the page was ready): load now
  if (media.matches) void p().catch(() => undefined);
  window.addEventListener("beforeprint", p as () => void);
  return () => {
    preparations.delete(p);
    if (preparations.size === 0) window.removeEventListener("keydown", onKey);
    media.removeEventListener("change", onMedia);
    window.removeEventListener("beforeprint", p as () => void);
  };
}

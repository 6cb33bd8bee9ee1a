/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { SCRIPT_INTEGRITY, SCRIPT_PATH, STYLESHEET_PATH } from "./assets.ts";

export interface FeedLink {
  type: string;
  title: string;
  href: string;
}

export interface LayoutProps {
  title: string;
  description?: string | undefined;
  /** Which item of the main navigation this page is. */
  current?: "stories" | "subscribe" | undefined;
  feeds?: readonly FeedLink[] | undefined;
  /** Pages reached by a private link are kept out of search engines. */
  noindex?: boolean | undefined;
  children?: Child;
}

/** Every page: landmarks, a skip link, the site's navigation, the stylesheet and the script. */
export function Layout(props: LayoutProps) {
  const current = (name: LayoutProps["current"]) => (props.current === name ? "page" : undefined);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <title>{props.title === "treatywatch" ? props.title : `${props.title} · treatywatch`}</title>
        {props.description ? <meta name="description" content={props.description} /> : null}
        {props.noindex ? <meta name="robots" content="noindex" /> : null}
        {(props.feeds ?? []).map((feed) => (
          <link rel="alternate" type={feed.type} title={feed.title} href={feed.href} />
        ))}
        <link rel="stylesheet" href={STYLESHEET_PATH} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="bar">
          <div class="wrap">
            <a class="brand" href="/">
              treaty<span>watch</span>
            </a>
            <nav aria-label="Main">
              <ul>
                <li>
                  <a href="/" aria-current={current("stories")}>
                    Stories
                  </a>
                </li>
                <li>
                  <a href="/subscribe" aria-current={current("subscribe")}>
                    Email alerts
                  </a>
                </li>
                <li>
                  <a href="/docs">API</a>
                </li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          {props.children}
        </main>
        <footer>
          <div class="wrap">
            <p>
              treatywatch follows arms-control treaty and landmine news, folds the same story from many outlets into
              one, and says why each story is on topic. Headlines and summaries belong to their outlets.
            </p>
          </div>
        </footer>
        <script src={SCRIPT_PATH} integrity={SCRIPT_INTEGRITY} defer />
      </body>
    </html>
  );
}

/** A page as the bytes sent: the doctype and the rendered tree. */
export async function renderPage(page: Child): Promise<string> {
  return `<!doctype html>${await String(await (page as { toString(): string | Promise<string> }).toString())}`;
}

import { createHash } from "node:crypto";

/**
 * The pages' one stylesheet and one script, each served under a name that changes with its
 * content so browsers keep it for good. The script is allowed by the Content-Security-Policy
 * by its hash (the page names it with a matching `integrity`): no nonce changes a page's
 * bytes, so its ETag holds. A browser that does not match hashes to external scripts runs
 * the pages without it; they need none.
 */
export const STYLE = `
:root{--ink:#1b1f24;--muted:#4a5360;--line:#d3d8de;--paper:#fff;--tint:#f3f5f8;--link:#0b57a4;--accent:#8a1c1c;--focus:#1d4ed8;--ok:#0f5c2e}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);background:var(--paper)}
a{color:var(--link);text-underline-offset:.15em}
a:hover{color:#063a6e}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--ink);color:#fff;padding:.5rem 1rem;z-index:2}
.skip:focus{left:.5rem;top:.5rem}
.bar{border-bottom:1px solid var(--line);background:var(--tint)}
.bar .wrap{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem 1.5rem;padding-top:.75rem;padding-bottom:.75rem}
.brand{font-weight:700;font-size:1.2rem;color:var(--ink);text-decoration:none}
.brand span{color:var(--accent)}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
nav a{display:inline-block;padding:.35rem 0;font-weight:600}
nav a[aria-current=page]{color:var(--ink);text-decoration-thickness:3px}
.wrap{max-width:62rem;margin:0 auto;padding:0 1rem}
main{padding-top:1.25rem;padding-bottom:3rem}
h1{font-size:1.75rem;line-height:1.25;margin:.25rem 0 1rem}
h2{font-size:1.3rem;line-height:1.3;margin:1.75rem 0 .5rem}
h3{font-size:1.1rem;margin:1.25rem 0 .35rem}
.lede{color:var(--muted);margin-top:-.5rem}
footer{border-top:1px solid var(--line);color:var(--muted);font-size:.9rem;padding:1.25rem 0 2rem}
.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.75rem;align-items:end;background:var(--tint);border:1px solid var(--line);border-radius:.5rem;padding:1rem;margin:0 0 1.25rem}
label,.label{display:block;font-weight:600;margin-bottom:.25rem}
.hint{display:block;color:var(--muted);font-weight:400;font-size:.92rem;margin:.1rem 0 .35rem}
select,input[type=text],input[type=email],input[type=search]{width:100%;font:inherit;color:var(--ink);background:#fff;border:1px solid #6b7480;border-radius:.375rem;padding:.5rem .6rem;min-height:2.75rem}
button,.button{display:inline-flex;align-items:center;justify-content:center;font:inherit;font-weight:600;min-height:2.75rem;padding:.5rem 1.1rem;border-radius:.375rem;border:1px solid var(--ink);background:var(--ink);color:#fff;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:var(--ink)}
button.danger{background:var(--accent);border-color:var(--accent)}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin-top:1rem}
.stories{list-style:none;margin:0;padding:0}
.story{border-bottom:1px solid var(--line);padding:1rem 0}
.story h2{font-size:1.15rem;margin:0 0 .35rem}
.story p{margin:.25rem 0}
.meta{color:var(--muted);font-size:.92rem}
.tags{list-style:none;display:flex;flex-wrap:wrap;gap:.35rem;margin:.5rem 0 0;padding:0}
.tags li{background:var(--tint);border:1px solid var(--line);border-radius:999px;padding:.05rem .6rem;font-size:.85rem}
.pager{display:flex;flex-wrap:wrap;justify-content:space-between;gap:1rem;margin-top:1.5rem}
.sources{padding-left:1.5rem}
.sources li{margin:.4rem 0}
.why dt{font-weight:600;margin-top:.6rem}
.why dd{margin:.1rem 0 0 0}
q{font-style:italic}
.timeline{list-style:none;padding:0;border-left:3px solid var(--line);margin-left:.4rem}
.timeline li{position:relative;padding:0 0 .9rem 1rem}
fieldset{border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem 1rem;margin:0 0 1.25rem}
legend{font-weight:700;font-size:1.1rem;padding:0 .35rem}
.choices{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:.1rem 1rem;margin:.25rem 0 .75rem}
.choice{display:flex;gap:.5rem;align-items:flex-start;padding:.3rem 0;font-weight:400}
.choice input{width:1.25rem;height:1.25rem;margin:.15rem 0 0;flex:none}
.field{margin:.75rem 0}
.row{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.notice{border-left:5px solid var(--ok);background:#eef7f1;padding:.75rem 1rem;margin:0 0 1.25rem}
.errors{border:3px solid var(--accent);padding:.75rem 1rem;margin:0 0 1.25rem}
.errors h2{margin-top:0;font-size:1.15rem}
.error{display:block;color:var(--accent);font-weight:600;margin:.2rem 0}
[aria-invalid=true]{border-color:var(--accent);border-width:2px}
.preview{background:var(--tint);border:1px solid var(--line);border-radius:.5rem;padding:.25rem 1rem 1rem}
.preview ol{padding-left:1.25rem}
.status{font-weight:700}
.cards{display:grid;gap:1.5rem}
@media (min-width:60rem){.subscribe{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:2rem;align-items:start}.subscribe .preview{position:sticky;top:1rem}}
@media (max-width:30rem){h1{font-size:1.45rem}.filters{grid-template-columns:1fr 1fr}}
`.trim();

export const SCRIPT = `
(function(){
var fmt=new Intl.DateTimeFormat(undefined,{dateStyle:"medium",timeStyle:"short"});
function localTimes(root){root.querySelectorAll("time[data-local]").forEach(function(t){var d=new Date(t.getAttribute("datetime"));if(!isNaN(d))t.textContent=fmt.format(d);});}
localTimes(document);
var form=document.querySelector("form[data-filter-form]");
if(!form)return;
var zone=form.querySelector("select[data-detect-zone]");
if(zone&&zone.value==="UTC"){try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;if(z&&zone.querySelector('option[value="'+z.replace(/"/g,"")+'"]'))zone.value=z;}catch(e){}}
function cadence(){var kind=form.querySelector("input[name=cadence]:checked");var k=kind?kind.value:"instant";form.querySelectorAll("[data-cadence]").forEach(function(el){var on=el.getAttribute("data-cadence").split(" ").indexOf(k)>=0;el.hidden=!on;});}
form.addEventListener("change",cadence);cadence();
var out=document.getElementById("preview");
if(!out)return;
var timer=0,seq=0;
function refresh(){var data=new FormData(form),q=new URLSearchParams();data.forEach(function(v,k){if(["email","csrf","website"].indexOf(k)<0&&typeof v==="string")q.append(k,v);});var mine=++seq;out.setAttribute("aria-busy","true");
fetch(form.getAttribute("data-preview")+"?"+q.toString(),{headers:{accept:"text/html"},credentials:"same-origin"}).then(function(r){return r.text();}).then(function(html){if(mine!==seq)return;out.innerHTML=html;localTimes(out);out.removeAttribute("aria-busy");}).catch(function(){if(mine!==seq)return;out.removeAttribute("aria-busy");});}
function later(){clearTimeout(timer);timer=setTimeout(refresh,350);}
form.querySelectorAll("[data-previews]").forEach(function(el){el.addEventListener("input",later);el.addEventListener("change",later);});
var button=form.querySelector("[data-preview-button]");if(button)button.hidden=true;
})();
`.trim();

const named = (text: string, extension: string) =>
  `/assets/site-${createHash("sha256").update(text).digest("hex").slice(0, 16)}.${extension}`;

/** Where the stylesheet and the script are served: their names carry their content hashes. */
export const STYLESHEET_PATH = named(STYLE, "css");
export const SCRIPT_PATH = named(SCRIPT, "js");
/** The script's Subresource Integrity value, which is also its hash-source in the policy. */
export const SCRIPT_INTEGRITY = `sha256-${createHash("sha256").update(SCRIPT).digest("base64")}`;

/** The policy every page is sent with: nothing runs but the page's own script, nothing loads but its own stylesheet. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src '${SCRIPT_INTEGRITY}'`,
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

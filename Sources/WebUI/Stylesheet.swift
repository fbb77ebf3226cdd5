/// The site's one stylesheet: system fonts, high contrast, visible focus, responsive.
enum Stylesheet {
    static let css = """
    :root { --text: #1a1a1a; --muted: #4a4a4a; --bg: #ffffff; --accent: #004b87; --accent-dark: #00325a;
      --error: #a4000f; --error-bg: #fdecee; --ok: #1d6b2f; --line: #8a8a8a; --soft: #f2f4f7; }
    *, *::before, *::after { box-sizing: border-box; }
    html { font-size: 100%; }
    body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
      font-size: 1.0625rem; line-height: 1.55; color: var(--text); background: var(--bg); }
    .wrap { max-width: 68rem; margin: 0 auto; padding: 0 1rem; }
    a { color: var(--accent); text-underline-offset: 0.15em; }
    a:hover { color: var(--accent-dark); }
    :focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; box-shadow: 0 0 0 5px var(--text); }
    .skip-link { position: absolute; left: -999px; top: 0; background: var(--text); color: #fff; padding: 0.5rem 1rem; z-index: 10; }
    .skip-link:focus { left: 0.5rem; top: 0.5rem; }
    .site-header { background: var(--accent); color: #fff; }
    .header-row { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem; padding-top: 0.75rem; padding-bottom: 0.75rem; }
    .brand { color: #fff; font-weight: 700; font-size: 1.25rem; text-decoration: none; }
    .brand:hover { color: #fff; text-decoration: underline; }
    .nav { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; margin: 0; padding: 0; }
    .nav a { color: #fff; }
    .nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
    .logout { margin-left: auto; display: flex; align-items: center; gap: 0.5rem; }
    .logout button { background: transparent; color: #fff; border: 2px solid #fff; border-radius: 4px; padding: 0.25rem 0.75rem; font: inherit; cursor: pointer; }
    main.wrap { padding-top: 1.5rem; padding-bottom: 3rem; }
    main:focus { outline: none; }
    h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 1rem; }
    h2 { font-size: 1.25rem; margin: 0 0 0.5rem; }
    .lead { font-size: 1.15rem; color: var(--muted); }
    .cards { list-style: none; padding: 0; margin: 1.5rem 0; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); }
    .card { border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.25rem; background: var(--soft); }
    .card .status { color: var(--muted); font-style: italic; margin: 0; }
    .form.narrow { max-width: 26rem; }
    .field { margin-bottom: 1rem; }
    label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
    input[type="text"], input[type="password"], input[type="email"], input[type="search"], select, textarea {
      width: 100%; font: inherit; padding: 0.5rem 0.625rem; border: 2px solid var(--line); border-radius: 4px; background: #fff; color: var(--text); }
    button.primary { font: inherit; font-weight: 600; background: var(--accent); color: #fff; border: 2px solid var(--accent);
      border-radius: 4px; padding: 0.5rem 1.25rem; cursor: pointer; }
    button.primary:hover { background: var(--accent-dark); }
    .notice { border-left: 5px solid var(--accent); background: var(--soft); padding: 0.75rem 1rem; margin: 0 0 1rem; }
    .notice-error { border-color: var(--error); background: var(--error-bg); color: var(--error); }
    .hint { color: var(--muted); font-size: 0.95rem; }
    code { font-size: 0.95em; background: var(--soft); padding: 0 0.25rem; }
    .answer { margin-top: 1.5rem; border-top: 1px solid var(--line); padding-top: 0.5rem; }
    .facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
    .facts dt { font-weight: 600; } .facts dd { margin: 0; }
    .table-wrap { overflow-x: auto; }
    table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
    th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    .inline-form { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin-bottom: 1rem; }
    .inline-form label { margin: 0; } .inline-form select { width: auto; }
    main section + section { margin-top: 2rem; }
    .site-footer { border-top: 1px solid var(--line); color: var(--muted); font-size: 0.9rem; padding: 1rem 0; }
    @media (max-width: 40rem) { .logout { margin-left: 0; width: 100%; } h1 { font-size: 1.5rem; } }
    @media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; } }
    @media (forced-colors: active) { .card, .notice { border: 1px solid CanvasText; } }
    """
}

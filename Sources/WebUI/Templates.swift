/// The page templates (Mustache, HTML-escaped by default). Pages extend `layout` and fill its
/// `main` block; `{{{ }}}` is used only for HTML that a template rendered itself.
enum Templates {
    static let all: [String: String] = [
        "layout": layout,
        "login": login,
        "home": home,
        "error": error,
    ]

    static let layout = """
    <!doctype html>
    <html lang="de">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} – {{siteName}}</title>
    <link rel="stylesheet" href="{{stylesheet}}">
    </head>
    <body>
    <a class="skip-link" href="#inhalt">Zum Inhalt springen</a>
    <header class="site-header">
      <div class="wrap header-row">
        <a class="brand" href="/">{{siteName}}</a>
        {{#viewer}}
        <nav aria-label="Hauptnavigation">
          <ul class="nav">
            {{#navigation}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/navigation}}
          </ul>
        </nav>
        <form method="post" action="/logout" class="logout">
          <input type="hidden" name="_csrf" value="{{csrfToken}}">
          <span class="viewer">{{displayName}}</span>
          <button type="submit">Abmelden</button>
        </form>
        {{/viewer}}
      </div>
    </header>
    <main id="inhalt" tabindex="-1" class="wrap">
    {{$main}}{{/main}}
    </main>
    <footer class="site-footer">
      <div class="wrap">{{siteName}} · {{organisation}}</div>
    </footer>
    </body>
    </html>
    """

    static let login = """
    {{<layout}}{{$main}}
    <h1>Anmelden</h1>
    {{#failure}}<div class="notice notice-error" role="alert" id="login-fehler">{{failure}}</div>{{/failure}}
    <form method="post" action="/login" class="form narrow"{{#failure}} aria-describedby="login-fehler"{{/failure}}>
      <input type="hidden" name="_csrf" value="{{loginToken}}">
      <input type="hidden" name="next" value="{{next}}">
      <div class="field">
        <label for="username">Benutzername</label>
        <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="{{username}}" autofocus>
      </div>
      <div class="field">
        <label for="password">Passwort</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
      </div>
      <button type="submit" class="primary">Anmelden</button>
    </form>
    <p class="hint">Probleme bei der Anmeldung? Wenden Sie sich an die IT-Stelle Ihres Hauses.</p>
    {{/main}}{{/layout}}
    """

    static let home = """
    {{<layout}}{{$main}}
    <h1>Guten Tag, {{displayName}}</h1>
    <p class="lead">Was möchten Sie tun?</p>
    <ul class="cards">
      {{#areas}}
      <li class="card">
        <h2>{{#available}}<a href="{{href}}">{{title}}</a>{{/available}}{{^available}}{{title}}{{/available}}</h2>
        <p>{{description}}</p>
        {{^available}}<p class="status">In Vorbereitung</p>{{/available}}
      </li>
      {{/areas}}
    </ul>
    {{/main}}{{/layout}}
    """

    static let error = """
    {{<layout}}{{$main}}
    <h1>{{heading}}</h1>
    <p class="notice notice-error" role="alert">{{message}}</p>
    <p class="hint">Fehlerkennung: <code>{{requestID}}</code></p>
    {{#signIn}}<p><a href="{{signIn}}">Zur Anmeldung</a></p>{{/signIn}}
    {{^signIn}}<p><a href="/">Zur Startseite</a></p>{{/signIn}}
    {{/main}}{{/layout}}
    """
}

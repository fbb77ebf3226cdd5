/// The chatbot's pages (Mustache, extending the WebUI layout).
enum ChatTemplates {
    static let all: [String: String] = ["chat-demo": demo, "chat-admin": admin, "chat-label": label]

    /// An intent or `outside:` block on the admin page, inside a section on its label
    /// (`ChatRoutes.adminPage`): its title when it is loaded, and its id; a dash for none.
    static let label = """
    {{#labelMissing}}–{{/labelMissing}}{{^labelMissing}}{{#labelHasTitle}}{{labelTitle}} {{/labelHasTitle}}<code>{{labelID}}</code>{{/labelMissing}}
    """

    /// The public listener's start page: the widget, and a plain form for browsers without
    /// JavaScript.
    static let demo = """
    {{<layout}}{{$main}}
    <h1>Bürger-Assistent</h1>
    <p class="lead">Fragen Sie zu den Dienstleistungen der Kreisverwaltung, zum Beispiel „Wie melde ich mein Auto an?“ oder „Wann wird der Müll abgeholt?“.</p>
    <p>Der Chat öffnet sich unten rechts. Bitte geben Sie keine persönlichen Daten ein.</p>
    <form method="get" action="/" class="form">
      <div class="field">
        <label for="frage">Ihre Frage (ohne JavaScript)</label>
        <input id="frage" name="frage" type="text" maxlength="500" required value="{{question}}">
      </div>
      <button type="submit" class="primary">Fragen</button>
    </form>
    {{#failure}}<p class="notice notice-error" role="alert">{{failure}}</p>{{/failure}}
    {{#reply}}
    <section class="answer" aria-labelledby="antwort-titel" role="status">
      <h2 id="antwort-titel">Antwort</h2>
      {{{html}}}
      {{#hasOptions}}<p>Passende Themen:</p><ul>{{#options}}<li><a href="{{href}}">{{title}}</a></li>{{/options}}</ul>{{/hasOptions}}
    </section>
    {{/reply}}
    <script src="{{widget}}" defer data-open="true"></script>
    {{/main}}{{/layout}}
    """

    static let admin = """
    {{<layout}}{{$main}}
    <h1>Chatbot</h1>
    {{#reloaded}}<p class="notice" role="status">Die Intents wurden neu geladen.</p>{{/reloaded}}
    {{#lastError}}<div class="notice notice-error" role="alert"><strong>Letztes Laden fehlgeschlagen</strong> (der bisherige Stand bleibt aktiv):<br><code>{{lastError}}</code></div>{{/lastError}}
    <section aria-labelledby="stand">
      <h2 id="stand">Stand des Wissens</h2>
      <dl class="facts">
        <dt>Intents</dt><dd>{{intents}} ({{followUps}} Nachfragethemen, {{outOfScope}} Themen außerhalb des Angebots, {{synonyms}} Synonyme)</dd>
        <dt>Sprachen</dt><dd>{{languages}}</dd>
        <dt>Wortlisten</dt><dd>{{#wordLists}}{{language}}: {{^missing}}{{words}} Wörter{{/missing}}{{#missing}}<strong>fehlt</strong> (unbekannte Wörter werden ohne Prüfung als Tippfehler korrigiert; Debian-Paket wngerman, wbritish oder wamerican installieren){{/missing}}<br>{{/wordLists}}</dd>
        <dt>Dateien</dt><dd>{{files}}</dd>
        <dt>Geladen</dt><dd>{{loadedAt}} (Aufbau {{buildMs}} ms)</dd>
      </dl>
      <form method="post" action="/chatbot/reload">
        <input type="hidden" name="_csrf" value="{{viewer.csrfToken}}">
        <button type="submit" class="primary">Jetzt neu laden</button>
      </form>
    </section>
    <section aria-labelledby="auswertung">
      <h2 id="auswertung">Auswertung der letzten {{days}} Tage</h2>
      <form method="get" action="/chatbot" class="inline-form">
        <label for="tage">Zeitraum</label>
        <select id="tage" name="tage">{{#dayChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}} Tage</option>{{/dayChoices}}</select>
        <button type="submit" class="primary">Anzeigen</button>
      </form>
      <p>{{total}} Fragen · Rückmeldungen: {{helpful}} hilfreich, {{unhelpful}} nicht hilfreich. Den Wortlaut speichern wir nur bei Fragen, die hier zur Durchsicht stehen (ohne Antwort, mit Rückfrage oder unsicher beantwortet), und nur ohne personenbezogene Daten; sicher beantwortete Fragen werden nur gezählt.</p>
      {{#hasNotStored}}<p class="notice">Von {{notStored}} weiteren Fragen zur Durchsicht ist nur die Anzahl gespeichert: {{#textsOff}}Der Wortlaut wird nicht gespeichert{{/textsOff}}{{^textsOff}}Es kamen mehr als {{textsPerMinute}} in einer Minute (Schutz vor Überflutung){{/textsOff}}, Einstellung <code>chatbot.stored_questions_per_minute</code>.</p>{{/hasNotStored}}

      <h3>Unbeantwortete Fragen</h3>
      {{^unanswered}}<p>Keine.</p>{{/unanswered}}
      {{#hasUnanswered}}<div class="table-wrap"><table><thead><tr><th scope="col">Frage</th><th scope="col">Anzahl</th><th scope="col">Zuletzt</th><th scope="col">Wegweiser</th></tr></thead><tbody>
      {{#unanswered}}<tr><td>{{question}}</td><td>{{count}}</td><td>{{last}}</td><td>{{#signpost}}{{>chat-label}}{{/signpost}}</td></tr>{{/unanswered}}
      </tbody></table></div>{{/hasUnanswered}}

      <h3>Wegweiser zu anderen Stellen</h3>
      <p>Fragen, für die eine andere Stelle zuständig ist: Die Antwort ohne Treffer begann mit dem Hinweis des Blocks (<code>signpost:</code> in <code>ausserhalb.intent</code>).</p>
      {{^signposts}}<p>Keine.</p>{{/signposts}}
      {{#hasSignposts}}<ul>{{#signposts}}<li>{{#intent}}{{>chat-label}}{{/intent}}: {{count}}</li>{{/signposts}}</ul>{{/hasSignposts}}

      <h3>Unsichere Antworten</h3>
      {{^lowConfidence}}<p>Keine.</p>{{/lowConfidence}}
      {{#hasLowConfidence}}<div class="table-wrap"><table><thead><tr><th scope="col">Frage</th><th scope="col">Intent</th><th scope="col">Sicherheit</th><th scope="col">Anzahl</th></tr></thead><tbody>
      {{#lowConfidence}}<tr><td>{{question}}</td><td>{{#intent}}{{>chat-label}}{{/intent}}</td><td>{{confidence}}</td><td>{{count}}</td></tr>{{/lowConfidence}}
      </tbody></table></div>{{/hasLowConfidence}}

      <h3>Gewählte Optionen nach Rückfragen</h3>
      {{^choices}}<p>Keine.</p>{{/choices}}
      {{#hasChoices}}<ul>{{#choices}}<li>{{#intent}}{{>chat-label}}{{/intent}}: {{count}}</li>{{/choices}}</ul>{{/hasChoices}}

      <h3>Häufigste Themen</h3>
      {{^top}}<p>Keine.</p>{{/top}}
      {{#hasTop}}<ol>{{#top}}<li>{{#intent}}{{>chat-label}}{{/intent}}: {{count}}</li>{{/top}}</ol>{{/hasTop}}

      <h3>Verlauf je Tag</h3>
      {{^daily}}<p>Keine.</p>{{/daily}}
      {{#hasDaily}}<div class="table-wrap"><table><thead><tr><th scope="col">Tag</th><th scope="col">Antworten</th><th scope="col">Rückfragen</th><th scope="col">Ohne Antwort</th></tr></thead><tbody>
      {{#daily}}<tr><td>{{day}}</td><td>{{answer}}</td><td>{{clarify}}</td><td>{{fallback}}</td></tr>{{/daily}}
      </tbody></table></div>{{/hasDaily}}

      <h3>Nicht hilfreich bewertete Themen</h3>
      {{^unhelpfulIntents}}<p>Keine.</p>{{/unhelpfulIntents}}
      {{#hasUnhelpfulIntents}}<ul>{{#unhelpfulIntents}}<li>{{#intent}}{{>chat-label}}{{/intent}}: {{count}}</li>{{/unhelpfulIntents}}</ul>{{/hasUnhelpfulIntents}}

      <h3>Kommentare</h3>
      {{^comments}}<p>Keine.</p>{{/comments}}
      {{#hasComments}}<ul>{{#comments}}<li>{{at}} · {{#intent}}{{>chat-label}}{{/intent}} · hilfreich: {{helpful}} – {{comment}}</li>{{/comments}}</ul>{{/hasComments}}
    </section>
    <p>Zum Ausprobieren: der Chat unten rechts (wie auf der Website).</p>
    <script src="{{widget}}" defer></script>
    {{/main}}{{/layout}}
    """
}

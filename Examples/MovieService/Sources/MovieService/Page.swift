/// The one HTML page: a user's recommendations with titles, the movies most similar to
/// one, and a form that describes a new movie and shows who it would reach. It calls the
/// JSON endpoints; `/?demo=1` fills and submits every panel on load (for the screenshot).
enum Page {
    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>FusionRec movie service</title>
        <style>
          body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; background: #fafafa; }
          h1 { font-size: 20px; margin: 0 0 4px; } .sub { color: #666; margin-bottom: 16px; }
          main { display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; }
          section { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 12px 14px; }
          h2 { font-size: 15px; margin: 0 0 8px; }
          form { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 8px; align-items: center; }
          input[type=text], input[type=number] { padding: 4px 6px; border: 1px solid #bbb; border-radius: 4px; }
          button { padding: 4px 10px; border: 0; border-radius: 4px; background: #2a62c9; color: #fff; cursor: pointer; }
          table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 3px 4px; border-bottom: 1px solid #eee; }
          th { font-weight: 600; color: #555; } td.num { text-align: right; font-variant-numeric: tabular-nums; color: #555; }
          .genres { color: #777; font-size: 12px; } .error { color: #b00020; } .note { color: #666; font-size: 12px; }
        </style>
        </head>
        <body>
        <h1>FusionRec movie service</h1>
        <div class="sub" id="health">…</div>
        <main>
        <section>
          <h2>Recommendations for a user</h2>
          <form id="userForm"><label>User <input type="number" id="user" value="1" min="1"></label><button>Recommend</button></form>
          <div id="recommendations"></div>
        </section>
        <section>
          <h2>Movies similar to one</h2>
          <form id="itemForm"><label>Movie id <input type="number" id="item" value="1" min="1"></label><button>Find similar</button></form>
          <div id="similar"></div>
        </section>
        <section>
          <h2>Describe a new movie</h2>
          <form id="newForm">
            <input type="text" id="title" value="Galaxy Toys" size="16" aria-label="Title">
            <input type="number" id="year" value="2026" style="width: 5em" aria-label="Year">
            <input type="text" id="genres" value="Animation|Children|Comedy|Sci-Fi" size="24" aria-label="Genres">
            <button>Add and show its audience</button>
          </form>
          <div class="note">Genres separated by |. The movie is placed from these attributes through the model's feature pipeline.</div>
          <div id="added"></div>
        </section>
        </main>
        <script>
        const esc = s => String(s ?? "").replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
        async function call(path, options) {
          const response = await fetch(path, options);
          const body = await response.json().catch(() => ({}));
          if (!response.ok) throw new Error(body?.error?.message ?? response.statusText);
          return body;
        }
        function movies(items) {
          return "<table><tr><th>#</th><th>Title</th><th>Year</th><th>Score</th></tr>" + items.map((m, i) =>
            `<tr><td>${i + 1}</td><td>${esc(m.title ?? ("movie " + m.id))}<div class="genres">${esc((m.genres ?? []).join(", "))} · id ${m.id}</div></td>` +
            `<td>${esc(m.year ?? "")}</td><td class="num">${m.score.toFixed(3)}</td></tr>`).join("") + "</table>";
        }
        async function show(target, work) {
          const element = document.getElementById(target);
          try { element.innerHTML = await work(); } catch (error) { element.innerHTML = `<p class="error">${esc(error.message)}</p>`; }
        }
        const recommend = () => show("recommendations", async () => {
          const body = await call(`/api/users/${document.getElementById("user").value}/recommendations?count=10`);
          return movies(body.items);
        });
        const similar = () => show("similar", async () => {
          const id = document.getElementById("item").value;
          const body = await call(`/api/items/${id}/similar?count=10`);
          return movies(body.items);
        });
        const add = () => show("added", async () => {
          const genres = document.getElementById("genres").value.split("|").map(s => s.trim()).filter(s => s);
          const year = parseInt(document.getElementById("year").value);
          const body = await call("/api/items", {method: "POST", headers: {"content-type": "application/json"},
            body: JSON.stringify({title: document.getElementById("title").value, year: isNaN(year) ? null : year, genres})});
          return `<p>Added as movie ${body.id}. It would reach first:</p><table><tr><th>User</th><th>Score</th></tr>` +
            body.audience.map(u => `<tr><td>user ${u.id}</td><td class="num">${u.score.toFixed(3)}</td></tr>`).join("") +
            "</table><p>Closest catalogue movies:</p>" + movies(body.similar.slice(0, 5));
        });
        document.getElementById("userForm").onsubmit = e => { e.preventDefault(); recommend(); };
        document.getElementById("itemForm").onsubmit = e => { e.preventDefault(); similar(); };
        document.getElementById("newForm").onsubmit = e => { e.preventDefault(); add(); };
        call("/health").then(h => document.getElementById("health").textContent =
          `${h.users} users · ${h.items} movies · version ${h.version} · generation ${h.generation}`);
        recommend(); similar();
        if (new URLSearchParams(location.search).get("demo") === "1") add();
        </script>
        </body>
        </html>
        """
}

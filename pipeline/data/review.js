(function () {
  const pages = document.getElementById('pages');
  function clear() {
    document.querySelectorAll('.hl').forEach(e => e.remove());
    document.querySelectorAll('.flash, li.active').forEach(e => e.classList.remove('flash', 'active'));
  }
  function show(li) {
    clear();
    li.classList.add('active');
    if (li.dataset.page) {
      const page = document.getElementById('page-' + li.dataset.page);
      if (page) { page.classList.add('flash'); page.scrollIntoView({block: 'start'}); }
      return;
    }
    let first = null;
    for (const frag of (li.dataset.frags || '').split('|').filter(Boolean)) {
      const [no, box] = frag.split(':');
      const page = document.getElementById('page-' + no);
      if (!page) continue;
      const [x0, top, x1, bottom] = box.split(',').map(Number);
      const w = Number(page.dataset.w), h = Number(page.dataset.h);
      const hl = document.createElement('div');
      hl.className = 'hl';
      hl.dataset.box = box;
      hl.style.left = (100 * x0 / w) + '%';
      hl.style.top = (100 * top / h) + '%';
      hl.style.width = (100 * (x1 - x0) / w) + '%';
      hl.style.height = (100 * (bottom - top) / h) + '%';
      page.appendChild(hl);
      first = first || hl;
    }
    if (first) first.scrollIntoView({block: 'center'});
  }
  document.getElementById('records').addEventListener('click', e => {
    const li = e.target.closest('li');
    if (li) show(li);
  });
  document.getElementById('filter').addEventListener('change', e => {
    const want = e.target.value;
    document.querySelectorAll('#records li').forEach(li => {
      const keep = !want || li.dataset.table === want || li.classList.contains(want);
      li.classList.toggle('hidden', !keep);
    });
  });

  // a table's reading: its kind and its columns' roles as menus; what is
  // picked there becomes correction lines of table `tables`, and commands
  const options = JSON.parse(document.getElementById('reading-options').textContent);
  const panel = document.getElementById('reading');
  const said = new Map();
  const csvCell = t => /[",\n\r]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
  const shellWord = t => /^[\w.,:=\/-]+$/.test(t) ? t : "'" + t.replace(/'/g, "'\\''") + "'";
  function menu(values, current, empty) {
    const select = document.createElement('select');
    for (const value of values) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = value || empty;
      select.appendChild(option);
    }
    select.value = current;
    return select;
  }
  function say(tbl, field, value) {
    const no = tbl.dataset.tableNo;
    said.set(no + ' ' + field, {no, field, value, note: 'p. ' + tbl.dataset.page});
    const lines = [], commands = [];
    for (const s of said.values()) {
      lines.push(['tables', 'table_no=' + s.no, s.field, s.value, s.note].map(csvCell).join(','));
      commands.push(['.venv/bin/python -m pipeline correct', shellWord(options.doc_id),
        '--table tables --match', 'table_no=' + s.no, '--set', shellWord(s.field + '=' + s.value),
        '--note', shellWord(s.note)].join(' '));
    }
    document.getElementById('reading-lines').value = lines.join('\n');
    document.getElementById('reading-commands').value = [...commands, 'make extract'].join('\n');
  }
  function showReading(tbl) {
    panel.hidden = false;
    document.getElementById('reading-no').textContent = tbl.dataset.tableNo;
    const read = tbl.dataset.kind;
    const kind = menu(options.kinds, options.kinds.includes(read) ? read : 'none', '');
    kind.id = 'reading-kind';
    kind.addEventListener('change', () => say(tbl, 'kind', kind.value));
    document.getElementById('reading-kind').replaceWith(kind);
    const body = document.querySelector('#reading-columns tbody');
    body.replaceChildren();
    JSON.parse(tbl.dataset.columns).forEach((column, i) => {
      const row = body.insertRow();
      row.insertCell().textContent = 'column ' + (i + 1);
      row.insertCell().textContent = column.header || column.dated;
      const role = menu(['', ...options.roles], column.role, '(no role)');
      role.dataset.column = i + 1;
      role.addEventListener('change', () => say(tbl, 'role:' + (i + 1), role.value));
      row.insertCell().appendChild(role);
    });
    panel.scrollIntoView({block: 'nearest'});
  }
  pages.addEventListener('click', e => {
    const tbl = e.target.closest('.tbl');
    if (tbl) showReading(tbl);
  });
})();

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
})();

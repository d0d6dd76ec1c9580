// The dashboard: one EventSource on GET /watch per ranking shown. The page and its choices live in
// the address (?campaign=spring&scope=GROUPS&id=east), a token in its fragment (#token=...), so a
// link reopens the same view and the token never reaches a server log.
'use strict';

const TITLES = {
  STEWARDS: 'Stewards', STEWARDS_IN_REGION: 'Stewards in region', STEWARDS_IN_GROUP: 'Stewards in group',
  GROUPS: 'Groups', GROUPS_IN_REGION: 'Groups in region', REGIONS: 'Regions',
};
const NEEDS_ID = { STEWARDS_IN_REGION: 'region', STEWARDS_IN_GROUP: 'group', GROUPS_IN_REGION: 'region' };
const TOP = 20;

// Exact money: fen arrive as JSON strings (int64) and stay integers.
function yuan(fen) {
  let n = BigInt(fen);
  const sign = n < 0n ? '-' : '';
  if (n < 0n) n = -n;
  return sign + '¥' + (n / 100n).toLocaleString('en-US') + '.' + String(n % 100n).padStart(2, '0');
}

function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  return Math.floor(s / 3600) + ' h ago';
}

class Panel {
  constructor(campaign, kind, id, token) {
    this.campaign = campaign;
    this.kind = kind;
    this.id = id;
    this.token = token;
    this.firstRanks = null;   // member -> rank in the first snapshot since the page opened
    this.shownScores = new Map();
    this.changedAt = null;
    this.root = document.getElementById('panel').content.firstElementChild.cloneNode(true);
    this.root.dataset.scope = kind + (id ? ':' + id : '');
    this.root.querySelector('h2').textContent = TITLES[kind] + (id ? ' ' + id : '');
    this.tbody = this.root.querySelector('tbody');
    this.status = this.root.querySelector('.status');
  }

  url() {
    const q = new URLSearchParams({ campaign: this.campaign, scope: this.kind, top: String(TOP) });
    if (NEEDS_ID[this.kind]) q.set(NEEDS_ID[this.kind], this.id);
    if (this.token) q.set('access_token', this.token);
    return '/watch?' + q.toString();
  }

  start() {
    this.source = new EventSource(this.url());
    this.source.onmessage = (e) => this.show(JSON.parse(e.data));
    this.source.onerror = () => {
      // The browser reconnects by itself after a network error; an HTTP error closes the source.
      this.setState('stale', 'stale: the stream broke, reconnecting…');
      if (this.source.readyState === EventSource.CLOSED) this.explainAndRetry();
    };
  }

  stop() {
    if (this.source) this.source.close();
    clearTimeout(this.retry);
  }

  async explainAndRetry() {
    let wait = 3000;
    try {
      const answer = await fetch(this.url(), { headers: { Accept: 'application/json' } });
      if (!answer.ok) {
        const error = await answer.json();
        this.setState('error', error.code + ': ' + error.message + ' (trying again)');
        wait = answer.status >= 500 ? 3000 : 10000;
      }
      if (answer.body) answer.body.cancel();
    } catch (e) {
      // the server is away: try again soon
    }
    this.retry = setTimeout(() => this.start(), wait);
  }

  setState(state, text) {
    this.root.dataset.state = state;
    this.status.textContent = text;
    document.body.classList.toggle('stale', !!document.querySelector('.panel[data-state="stale"], .panel[data-state="error"]'));
  }

  show(snapshot) {
    const entries = snapshot.entries || [];
    if (this.firstRanks === null) {
      this.firstRanks = new Map(entries.map((e) => [e.memberId, Number(e.rank)]));
    }
    const rows = entries.map((e, i) => {
      const tr = document.createElement('tr');
      tr.dataset.member = e.memberId;
      const first = this.firstRanks.get(e.memberId);
      const rank = Number(e.rank);
      let move = '', moveClass = '';
      if (first === undefined) { move = 'new'; moveClass = 'new'; }
      else if (first > rank) { move = '▲' + (first - rank); moveClass = 'up'; }
      else if (first < rank) { move = '▼' + (rank - first); moveClass = 'down'; }
      const gap = i === 0 ? '' : yuan(BigInt(entries[i - 1].scoreFen) - BigInt(e.scoreFen));
      for (const [cls, text] of [['rank', String(rank)], ['move ' + moveClass, move], ['name', e.displayName],
        ['score', yuan(e.scoreFen)], ['gap', gap]]) {
        const td = document.createElement('td');
        td.className = cls;
        td.textContent = text;
        tr.appendChild(td);
      }
      if (this.shownScores.has(e.memberId) && this.shownScores.get(e.memberId) !== e.scoreFen) tr.className = 'changed';
      return tr;
    });
    this.shownScores = new Map(entries.map((e) => [e.memberId, e.scoreFen]));
    this.tbody.replaceChildren(...rows);
    this.root.querySelector('.empty').hidden = entries.length > 0;
    this.changedAt = snapshot.changedAt ? new Date(snapshot.changedAt) : new Date();
    this.version = snapshot.version;
    this.members = snapshot.totalMembers;
    if (snapshot.stale) this.setState('stale', 'stale: the server cannot vouch for these figures right now');
    else this.setState('live', this.line());
  }

  line() {
    return 'live · ' + this.members + ' ranked · changed ' + this.changedAt.toLocaleTimeString() + ' ('
      + ago(Date.now() - this.changedAt) + ')';
  }

  tick() {
    if (this.root.dataset.state === 'live') this.status.textContent = this.line();
  }
}

let panels = [];

function watch(campaign, scope, id, token) {
  panels.forEach((p) => p.stop());
  const main = document.getElementById('panels');
  main.replaceChildren();
  const kinds = scope === 'OVERVIEW' ? ['STEWARDS', 'GROUPS', 'REGIONS'] : [scope];
  panels = kinds.map((kind) => new Panel(campaign, kind, NEEDS_ID[kind] ? id : '', token));
  panels.forEach((p) => { main.appendChild(p.root); p.start(); });
}

function showIdField() {
  const need = NEEDS_ID[document.getElementById('scope').value];
  document.getElementById('id-label').hidden = !need;
  document.getElementById('scope-id').required = !!need;
  if (need) document.getElementById('id-name').textContent = need === 'region' ? 'Region' : 'Group';
}

function init() {
  const params = new URLSearchParams(location.search);
  const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  const form = document.getElementById('pick');
  document.getElementById('campaign').value = params.get('campaign') || '';
  const scope = (params.get('scope') || 'OVERVIEW').toUpperCase();
  document.getElementById('scope').value = TITLES[scope] ? scope : 'OVERVIEW';
  document.getElementById('scope-id').value = params.get('id') || '';
  showIdField();
  document.getElementById('scope').addEventListener('change', showIdField);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams({ campaign: form.campaign.value, scope: form.scope.value });
    if (NEEDS_ID[form.scope.value]) q.set('id', document.getElementById('scope-id').value);
    history.replaceState(null, '', '?' + q.toString() + location.hash);
    watch(form.campaign.value, form.scope.value, document.getElementById('scope-id').value, token);
  });
  if (params.get('campaign')) watch(params.get('campaign'), document.getElementById('scope').value, params.get('id') || '', token);
  setInterval(() => panels.forEach((p) => p.tick()), 1000);
}

init();

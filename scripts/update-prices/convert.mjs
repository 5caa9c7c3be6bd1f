// Converts the price data bundled in @pydantic/genai-prices into the trimmed
// JSON snapshot that the cost processor embeds, and records reference prices
// computed by the package's own calcPrice so the Go port can be checked
// against it.
//
//   node convert.mjs --package-dir DIR --snapshot OUT.json --vectors OUT.json [--integrity SRI]
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const args = {}
for (let i = 2; i < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1]
}
for (const required of ['package-dir', 'snapshot', 'vectors']) {
  if (!args[required]) throw new Error(`convert.mjs: --${required} is required`)
}

const pkgDir = resolve(args['package-dir'])
const pkgJSON = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))
const lib = await import(pathToFileURL(join(pkgDir, 'dist', 'index.js')).href)
const providers = await lib.waitForUpdate()
if (!Array.isArray(providers) || providers.length === 0) {
  throw new Error('convert.mjs: the package exposed no bundled provider data')
}

// Price keys the processor knows how to charge. Keys for usage it never
// reads (audio, images, searches, pages) are dropped: with no such usage
// reported they would price to zero anyway.
const KEPT_PRICE_KEYS = [
  'input_mtok',
  'cache_read_mtok',
  'cache_write_mtok',
  'output_mtok',
  'output_reasoning_mtok',
  'requests_kcount',
]

// Go's RE2 has no look-around. The data uses a leading negative look-ahead
// (`^(?!X)Y`), which is rewritten to {and: [{not: {regex: ^X}}, {regex: ^Y}]};
// anything else RE2 cannot run stops the conversion so it is noticed.
function translateRegex(re) {
  if (re.startsWith('^(?!')) {
    let depth = 0
    let end = -1
    for (let i = 1; i < re.length; i++) {
      const c = re[i]
      if (c === '\\') { i++; continue }
      if (c === '(') depth++
      else if (c === ')') { depth--; if (depth === 0) { end = i; break } }
    }
    if (end < 0) throw new Error(`convert.mjs: unbalanced regex ${re}`)
    const negated = '^' + re.slice(4, end)
    const rest = re.slice(end + 1)
    const parts = [{ not: translateRegex(negated) }]
    if (rest !== '') parts.push(translateRegex('^' + rest))
    return parts.length === 1 ? parts[0] : { and: parts }
  }
  if (/\(\?(?:=|!|<=|<!)/.test(re)) {
    throw new Error(`convert.mjs: regex ${re} uses look-around that RE2 cannot run; extend translateRegex`)
  }
  return { regex: re }
}

function translateMatch(m) {
  if (m === undefined || m === null) return undefined
  if ('or' in m) return { or: m.or.map(translateMatch) }
  if ('and' in m) return { and: m.and.map(translateMatch) }
  if ('regex' in m) return translateRegex(m.regex)
  const keys = Object.keys(m)
  if (keys.length !== 1 || !['equals', 'starts_with', 'ends_with', 'contains'].includes(keys[0])) {
    throw new Error(`convert.mjs: unknown match clause ${JSON.stringify(m)}`)
  }
  return { [keys[0]]: m[keys[0]] }
}

function trimPrices(p) {
  const out = {}
  for (const k of KEPT_PRICE_KEYS) {
    const v = p[k]
    if (v === undefined) continue
    if (typeof v === 'number') out[k] = v
    else out[k] = { base: v.base, tiers: [...v.tiers].sort((a, b) => a.start - b.start).map((t) => ({ start: t.start, price: t.price })) }
  }
  return out
}

function conditionalPrices(model) {
  const list = Array.isArray(model.prices) ? model.prices : [{ prices: model.prices }]
  return list.map((cp) => {
    const out = {}
    if (cp.constraint) {
      const c = cp.constraint
      if (c.type === 'start_date' || (c.type === undefined && 'start_date' in c)) {
        out.constraint = { type: 'start_date', start_date: c.start_date }
      } else if (c.type === 'time_of_date' || (c.type === undefined && 'start_time' in c)) {
        out.constraint = { type: 'time_of_date', start_time: c.start_time, end_time: c.end_time }
      } else {
        throw new Error(`convert.mjs: unknown price constraint ${JSON.stringify(c)} on ${model.id}`)
      }
    }
    out.prices = trimPrices(cp.prices)
    return out
  })
}

const snapshotProviders = []
let modelCount = 0
for (const p of providers) {
  const models = []
  for (const m of p.models) {
    const prices = conditionalPrices(m)
    if (prices.every((cp) => Object.keys(cp.prices).length === 0)) continue
    models.push({ id: m.id, ...(m.name ? { name: m.name } : {}), match: translateMatch(m.match), prices })
  }
  modelCount += models.length
  snapshotProviders.push({
    id: p.id,
    name: p.name,
    ...(p.model_match ? { model_match: translateMatch(p.model_match) } : {}),
    ...(p.provider_match ? { provider_match: translateMatch(p.provider_match) } : {}),
    ...(p.fallback_model_providers ? { fallback_model_providers: p.fallback_model_providers } : {}),
    models,
  })
}

const today = new Date().toISOString().slice(0, 10)
const snapshot = {
  source: {
    package: pkgJSON.name,
    version: pkgJSON.version,
    license: pkgJSON.license,
    homepage: pkgJSON.homepage,
    integrity: args.integrity || undefined,
    retrieved: today,
    generator: 'scripts/update-prices/update.sh',
  },
  providers: snapshotProviders,
}
writeFileSync(args.snapshot, JSON.stringify(snapshot, null, 1) + '\n')

// Reference prices. The model string is the first `equals` of the model's
// match rule (or its id), looked up with the provider given explicitly, the
// way the processor does once it has a provider.
function firstEquals(m) {
  if (!m) return undefined
  if ('equals' in m) return m.equals
  for (const sub of m.or || m.and || []) {
    const v = firstEquals(sub)
    if (v) return v
  }
  return undefined
}
const usages = [
  { input_tokens: 1000, output_tokens: 500 },
  { input_tokens: 300000, cache_read_tokens: 120000, cache_write_tokens: 30000, output_tokens: 4000, output_reasoning_tokens: 1500 },
]
const stamps = ['2025-03-01T12:00:00Z', '2026-11-20T02:00:00Z']
const vectors = []
for (const p of providers) {
  for (const m of p.models) {
    const kept = snapshotProviders.find((sp) => sp.id === p.id).models.find((sm) => sm.id === m.id)
    if (!kept) continue
    const modelString = (firstEquals(m.match) || m.id).toLowerCase()
    const times = Array.isArray(m.prices) ? stamps : stamps.slice(0, 1)
    for (const ts of times) {
      for (const usage of usages) {
        let r
        try {
          r = lib.calcPrice(usage, modelString, { providerId: p.id, timestamp: new Date(ts) })
        } catch {
          continue
        }
        if (!r || r.model.id !== m.id || r.provider.id !== p.id) continue
        vectors.push({
          provider: p.id, model: modelString, model_id: m.id, time: ts, usage,
          input_usd: r.input_price, output_usd: r.output_price, total_usd: r.total_price,
        })
      }
    }
  }
}
writeFileSync(
  args.vectors,
  '{"source": ' + JSON.stringify(`${pkgJSON.name}@${pkgJSON.version} calcPrice`) + ',\n "vectors": [\n' +
    vectors.map((v) => '  ' + JSON.stringify(v)).join(',\n') + '\n ]}\n',
)
console.error(`convert.mjs: ${snapshotProviders.length} providers, ${modelCount} models, ${vectors.length} reference prices`)

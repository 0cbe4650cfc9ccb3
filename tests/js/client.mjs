// A JavaScript automerge-repo client for crates/server/tests/interop.rs.
//
//   node client.mjs <ws-url> <automerge-url> <wait-for-node> <add-node> <then-wait-for-node>
//
// Connects to <ws-url> (a Triloop server, token in the query string), finds the flow
// document, waits until its `nodes` map holds <wait-for-node>, adds the node <add-node> (a
// task, written the way a flow document stores nodes), then waits until <then-wait-for-node>
// arrives. Reports each step as one JSON line on stdout; exits 1 on a timeout or error.

import { Repo } from "@automerge/automerge-repo"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"

const [url, docUrl, waitFor, add, thenWaitFor] = process.argv.slice(2)
if (!thenWaitFor) {
  console.error("usage: node client.mjs <ws-url> <automerge-url> <wait-for> <add> <then-wait-for>")
  process.exit(2)
}

const say = (event) => console.log(JSON.stringify(event))
const fail = (message) => {
  console.error(`client.mjs: ${message}`)
  process.exit(1)
}
setTimeout(() => fail("timed out after 30 s"), 30_000).unref()

const repo = new Repo({
  network: [new WebSocketClientAdapter(url)],
  peerId: `js-client-${Math.random().toString(36).slice(2)}`,
  // Like any client: offer what it has to the server it talks to.
  sharePolicy: async () => true,
})

// A find may answer "unavailable" before the connection is up: retry for a while.
async function findDoc() {
  const deadline = Date.now() + 20_000
  for (;;) {
    try {
      return await repo.find(docUrl)
    } catch (e) {
      if (Date.now() > deadline) throw e
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}

function nodeIds(handle) {
  return Object.keys(handle.doc()?.nodes ?? {}).sort()
}

function waitForNode(handle, id) {
  return new Promise((resolve) => {
    const check = () => {
      if (nodeIds(handle).includes(id)) {
        handle.off("change", check)
        resolve()
      }
    }
    handle.on("change", check)
    check()
  })
}

try {
  const handle = await findDoc()
  await waitForNode(handle, waitFor)
  const doc = handle.doc()
  say({ event: "found", nodes: nodeIds(handle), schema: String(doc.schema ?? "") })
  handle.change((d) => {
    d.nodes[add] = { kind: "task", name: `${add} from JS`, x: 300, y: 40, w: 100, h: 80 }
  })
  say({ event: "edited", node: add })
  await waitForNode(handle, thenWaitFor)
  const node = handle.doc().nodes[thenWaitFor]
  say({ event: "saw", node: thenWaitFor, name: String(node.name), nodes: nodeIds(handle) })
  await repo.shutdown()
  process.exit(0)
} catch (e) {
  fail(e?.stack ?? String(e))
}

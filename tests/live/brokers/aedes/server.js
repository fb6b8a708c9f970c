// aedes (in-memory persistence: aedes-persistence) on 127.0.0.1:PORT for mqttbed's broker
// regression matrix. Usage: node server.js PORT. Prints "aedes listening on 127.0.0.1:PORT"
// once the listener is open (tests/live/matrix.py waits for that line) and stops on SIGTERM.
'use strict'
const net = require('net')
const aedes = require('aedes')()

const port = Number(process.argv[2])
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node server.js PORT')
  process.exit(2)
}

const server = net.createServer(aedes.handle)
server.on('error', (err) => {
  console.error(`aedes: ${err.message}`)
  process.exit(1)
})
server.listen(port, '127.0.0.1', () => {
  console.log(`aedes ${require('aedes/package.json').version} listening on 127.0.0.1:${port}`)
})

function stop () {
  server.close()
  aedes.close(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)

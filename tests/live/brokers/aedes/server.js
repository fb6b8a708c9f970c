// aedes (in-memory persistence: aedes-persistence) for mqttbed's broker regression matrix and
// for scenarios whose configuration mqttbed generated.
//   node server.js PORT            anonymous, plain TCP on 127.0.0.1:PORT
//   node server.js --config FILE   `mqttbed broker-config --broker aedes`'s aedes.json: TLS
//                                  listeners (client certificate required and checked against
//                                  the CA and CRL; tokens as passwords) and the hooks of
//                                  mqttbed-authorizer.js (docs/security.md)
// Prints "aedes VERSION listening on HOST:PORT" once every listener is open (tests/live/matrix.py
// waits for that line) and stops on SIGTERM.
'use strict'
const fs = require('fs')
const net = require('net')
const tls = require('tls')
const aedes = require('aedes')()
const version = require('aedes/package.json').version

const servers = []
function listen (server, port, host, done) {
  server.on('error', (err) => {
    console.error(`aedes: ${err.message}`)
    process.exit(1)
  })
  servers.push(server)
  server.listen(port, host, done)
}

if (process.argv[2] === '--config') {
  const config = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'))
  require('./mqttbed-authorizer').install(aedes, config.authorizer)
  const common = {
    ca: fs.readFileSync(config.ca),
    cert: fs.readFileSync(config.cert),
    key: fs.readFileSync(config.key),
    minVersion: 'TLSv1.2'
  }
  const devices = tls.createServer({
    ...common,
    requestCert: config.require_certificate !== false,
    rejectUnauthorized: config.require_certificate !== false,
    crl: fs.readFileSync(config.crl)
  }, aedes.handle)
  const apps = tls.createServer(common, aedes.handle)
  listen(devices, config.certificate_port, config.host, () =>
    listen(apps, config.token_port, config.host, () =>
      console.log(`aedes ${version} listening on ${config.host}:${config.certificate_port} ` +
                  `(certificates) and ${config.host}:${config.token_port} (tokens)`)))
} else {
  const port = Number(process.argv[2])
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error('usage: node server.js PORT | node server.js --config FILE')
    process.exit(2)
  }
  listen(net.createServer(aedes.handle), port, '127.0.0.1', () =>
    console.log(`aedes ${version} listening on 127.0.0.1:${port}`))
}

function stop () {
  for (const server of servers) server.close()
  aedes.close(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)

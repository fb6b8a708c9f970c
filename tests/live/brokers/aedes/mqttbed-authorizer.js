// aedes' authenticate / authorizePublish / authorizeSubscribe hooks asking mqttbed's
// authorizer endpoint (`mqttbed authorizer`, sim/authorizer) over loopback HTTP: the same
// policy evaluator and token verifier as the mosquitto plugin and the simulation
// (docs/security.md). `base` is aedes.json's "authorizer", e.g. http://127.0.0.1:8885/aedes/.
'use strict'
const http = require('http')

function ask (base, path, params, callback) {
  const url = new URL(path, base)
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  http.get(url, (res) => {
    let body = ''
    res.setEncoding('utf8')
    res.on('data', (chunk) => { body += chunk })
    res.on('end', () => callback(null, body))
  }).on('error', (err) => callback(err))
}

function pem (raw) {
  const lines = raw.toString('base64').match(/.{1,64}/g).join('\n')
  return `-----BEGIN CERTIFICATE-----\n${lines}\n-----END CERTIFICATE-----\n`
}

// Installs the hooks on `broker`. A client that presented a certificate (the certificate
// listener requires one) is judged by it; any other by its password, the app's token.
function install (broker, base) {
  broker.authenticate = (client, username, password, done) => {
    const params = { client_id: client.id }
    const certificate = client.conn.getPeerCertificate ? client.conn.getPeerCertificate(true) : null
    if (certificate && certificate.raw) params.certificate = pem(certificate.raw)
    else if (password) params.token = password.toString()
    ask(base, 'connect', params, (err, answer) => {
      if (err) return done(err, false)
      if (answer === 'allow') return done(null, true)
      // "deny 4 reason" or "deny 5 reason": the CONNACK return code to answer.
      const refusal = new Error(answer)
      refusal.returnCode = answer.startsWith('deny 5') ? 5 : 4
      console.log(`mqttbed: refused CONNECT of ${client.id}: ${answer.slice(7)}`)
      done(refusal, false)
    })
  }
  broker.authorizePublish = (client, packet, done) => {
    if (!client) return done(null) // the broker's own messages ($SYS, wills after close)
    ask(base, 'publish', { client_id: client.id, topic: packet.topic }, (err, answer) => {
      if (err) return done(err)
      done(answer === 'allow' ? null : new Error(`iot:Publish on ${packet.topic} denied`))
    })
  }
  // A null subscription answers SUBACK 0x80 for that filter.
  broker.authorizeSubscribe = (client, subscription, done) => {
    ask(base, 'subscribe', { client_id: client.id, filter: subscription.topic }, (err, answer) => {
      if (err) return done(err)
      done(null, answer === 'allow' ? subscription : null)
    })
  }
}

module.exports = { install }

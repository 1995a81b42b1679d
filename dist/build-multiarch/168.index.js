const p=168,f=[168],d={6168:((m,e,r)=>{r.r(e),r.d(e,{cell:()=>t,link:()=>l,table:()=>c,writeSummary:()=>u});var a=r(6955);function t(n){return String(n??"").replace(/\\/g,"\\\\").replace(/\|/g,"\\|").replace(/\r?\n/g,"<br>")}function c(n,o){const i=[`| ${n.map(t).join(" | ")} |`,`| ${n.map(()=>"---").join(" | ")} |`];for(const s of o)i.push(`| ${s.map(t).join(" | ")} |`);return i.join(`
`)}function l(n,o){return o?`[${n.replace(/[[\]]/g,"\\$&")}](${o})`:n}async function u(...n){process.env.GITHUB_STEP_SUMMARY&&await a.summary.addRaw(n.filter(Boolean).join(`

`)+`
`,!0).write()}})};export{p as id,f as ids,d as modules};

const S=834,p=[834],d={7834:((f,e,t)=>{t.r(e),t.d(e,{SUMMARY_LIMIT_BYTES:()=>l,cell:()=>i,link:()=>s,table:()=>u,tableRow:()=>r,writeSummary:()=>m});var a=t(6421);function i(n){return String(n??"").replace(/\\/g,"\\\\").replace(/\|/g,"\\|").replace(/\r?\n/g,"<br>")}const l=1048576;function r(n){return`| ${n.map(i).join(" | ")} |`}function u(n,o){const c=[r(n),`| ${n.map(()=>"---").join(" | ")} |`];for(const M of o)c.push(r(M));return c.join(`
`)}function s(n,o){return o?`[${n.replace(/[[\]]/g,"\\$&")}](${o})`:n}async function m(...n){process.env.GITHUB_STEP_SUMMARY&&await a.summary.addRaw(n.filter(Boolean).join(`

`)+`
`,!0).write()}})};export{S as id,p as ids,d as modules};

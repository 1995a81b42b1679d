const c=455,g=[455,834],M={4836:((p,r,t)=>{t.r(r),t.d(r,{stepOutputs:()=>m,summaryMarkdown:()=>s});var f=t(7834);function d(n,a){return a?`failed: ${a}`:n.verifySkipped?`skipped: ${n.verifySkipped}`:n.verifications.map(i=>`${i.reference}: ${i.found.join(", ")}`).join(`
`)||"not run"}function m(n,a){const{plan:i}=n,e={builder:n.builder,pushed:i.push,pushReason:i.pushReason,digest:n.digest??null,imageRef:n.imageRef??null,tags:i.refs,platforms:i.platforms,labels:i.labels,verification:n.verifySkipped?{skipped:n.verifySkipped}:{ok:!a,images:n.verifications},builderMetadata:n.metadata};return{digest:n.digest??"","image-ref":n.imageRef??"",tags:i.refs.join(`
`),platforms:i.platforms.join(","),metadata:JSON.stringify(e)}}function s(n,a){const{plan:i}=n,e=a?"### \u274C build-multiarch: verification failed":i.push?"### \u2705 build-multiarch: pushed":"### build-multiarch: built, not pushed",o=[["Image",i.images.map(u=>u.name).join(`
`)],["Digest",n.digest?`\`${n.digest}\``:"(none)"],["Tags",i.refs.join(`
`)||"(none)"],["Platforms",i.platforms.join(", ")],["Builder",n.builder],["Push",i.pushReason],["Verification",d(n,a)]];return[e,(0,f.table)(["Build","Result"],o)].join(`

`)}}),7834:((p,r,t)=>{t.r(r),t.d(r,{SUMMARY_LIMIT_BYTES:()=>m,cell:()=>d,link:()=>a,table:()=>n,tableRow:()=>s,writeSummary:()=>i});var f=t(6421);function d(e){return String(e??"").replace(/\\/g,"\\\\").replace(/\|/g,"\\|").replace(/\r?\n/g,"<br>")}const m=1048576;function s(e){return`| ${e.map(d).join(" | ")} |`}function n(e,o){const u=[s(e),`| ${e.map(()=>"---").join(" | ")} |`];for(const l of o)u.push(s(l));return u.join(`
`)}function a(e,o){return o?`[${e.replace(/[[\]]/g,"\\$&")}](${o})`:e}async function i(...e){process.env.GITHUB_STEP_SUMMARY&&await f.summary.addRaw(e.filter(Boolean).join(`

`)+`
`,!0).write()}})};export{c as id,g as ids,M as modules};
